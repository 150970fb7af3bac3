package dev.graft.cli

import com.github.ajalt.clikt.testing.CliktCommandTestResult
import com.github.ajalt.clikt.testing.test
import java.nio.file.Files
import java.nio.file.Path

/** Finds the repository's fixtures/ folder from the module's directory. */
object Fixtures {
    val root: Path by lazy {
        var p: Path? = Path.of("").toAbsolutePath()
        while (p != null && !(Files.isDirectory(p.resolve("fixtures")) && Files.exists(p.resolve("pom.xml")))) {
            p = p.parent
        }
        requireNotNull(p) { "fixtures/ not found" }.resolve("fixtures")
    }

    fun model(name: String): String = root.resolve("models").resolve(name).toString()
    fun thirdParty(name: String): String = root.resolve("third_party").resolve(name).toString()
    fun digits(name: String): String = root.resolve("digits").resolve(name).toString()
}

/** Runs `graft` with a command line as a user types it. */
fun graft(vararg args: String): CliktCommandTestResult = graftCommand().test(args.toList())
