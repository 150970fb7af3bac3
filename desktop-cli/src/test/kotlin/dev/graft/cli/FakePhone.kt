package dev.graft.cli

import dev.graft.runtime.BenchJob
import dev.graft.runtime.BenchmarkException
import dev.graft.runtime.DeviceInfo
import dev.graft.runtime.memory.MemoryProbes
import java.io.File
import java.nio.file.Files

/**
 * A stand-in phone for the adb tests: a fake `adb` script whose device is a folder. It answers
 * `version`, `get-state`, `shell pm path`, `shell test|rm|mkdir`, `push`, `pull` and
 * `shell am start` as adb and the android-sample app do; a start with extras runs [FakeBenchActivity]
 * in a separate JVM in the background — the app's own glue (extras → BenchJob) — so the CLI
 * has to poll for the result as it does on a phone. Every call is logged to [calls]. The phone
 * is a new folder in [parent] (a spec's [specDir], deleted with it).
 */
class FakePhone(
    parent: java.nio.file.Path,
    private val device: Boolean = true,
    private val appInstalled: Boolean = true,
) {
    val root: File = Files.createTempDirectory(parent, "fake-phone").toFile()
    val bin: File = File(root, "bin").apply { mkdirs() }
    val calls: File = File(root, "calls.log")
    val activityLog: File = File(root, "activity.log")

    /** The environment the CLI sees: only our fake adb on the PATH. */
    val env: Map<String, String> = mapOf("PATH" to bin.path)

    init {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val cp = classPathJar(File(root, "classpath.jar")).path
        val script = """
            |#!/bin/bash
            |ROOT='${root.path}'
            |echo "$*" >> "${'$'}ROOT/calls.log"
            |if [ "$1" = "-s" ]; then shift 2; fi
            |map() { echo "${'$'}{1/#\/sdcard\/Android\/data\/dev.graft.sample/${'$'}ROOT/app}"; }
            |case "$1" in
            |  version) echo "Android Debug Bridge version 1.0.41"; exit 0 ;;
            |  get-state) ${if (device) "echo device; exit 0" else "echo 'error: no devices/emulators found' >&2; exit 1"} ;;
            |  push) shift; args=("$@"); n=${'$'}{#args[@]}; dst=$(map "${'$'}{args[n-1]}")
            |        for ((i = 0; i < n - 1; i++)); do cp "${'$'}{args[i]}" "${'$'}dst" || exit 1; done; exit 0 ;;
            |  pull) cp "$(map "$2")" "$3"; exit ${'$'}? ;;
            |  shell) shift ;;
            |  *) echo "fake adb: unknown command $1" >&2; exit 1 ;;
            |esac
            |case "$1 $2" in
            |  "pm path") ${if (appInstalled) "echo package:/data/app/dev.graft.sample/base.apk; exit 0" else "exit 1"} ;;
            |  "am force-stop") exit 0 ;;
            |  "am start")
            |    shift 2; extras=()
            |    while [ $# -gt 0 ]; do
            |      case "$1" in -W|-S) shift ;; -n) shift 2 ;; *) extras+=("$1"); shift ;; esac
            |    done
            |    mkdir -p "${'$'}ROOT/app/files"
            |    if [ ${'$'}{#extras[@]} -gt 0 ]; then
            |      nohup '$java' -cp '$cp' dev.graft.cli.FakeBenchActivity "${'$'}ROOT/app/files" "${'$'}{extras[@]}" \
            |        </dev/null >"${'$'}ROOT/activity.log" 2>&1 &
            |    fi
            |    echo "Status: ok"; exit 0 ;;
            |esac
            |cmd="$1"; shift
            |case "${'$'}cmd" in
            |  test|rm|mkdir) a=(); for x in "$@"; do a+=("$(map "${'$'}x")"); done; "${'$'}cmd" "${'$'}{a[@]}" ;;
            |  *) echo "fake adb: unknown shell command ${'$'}cmd" >&2; exit 1 ;;
            |esac
            |""".trimMargin()
        val adb = File(bin, "adb")
        adb.writeText(script)
        adb.setExecutable(true)
    }

    fun callLines(): List<String> = if (calls.isFile) calls.readLines() else emptyList()

    /**
     * A jar whose manifest carries this JVM's class path, so the fake app's JVM starts with a
     * short `-cp`: ONNX Runtime 1.29's native library crashes the JVM at load when the `-cp`
     * given at launch is longer than about 4 KiB.
     */
    private fun classPathJar(jar: File): File {
        val urls = System.getProperty("java.class.path").split(File.pathSeparator).filter { it.isNotEmpty() }
            .joinToString(" ") { File(it).toURI().toString() }
        val manifest = java.util.jar.Manifest().apply {
            mainAttributes[java.util.jar.Attributes.Name.MANIFEST_VERSION] = "1.0"
            mainAttributes[java.util.jar.Attributes.Name.CLASS_PATH] = urls
        }
        java.util.jar.JarOutputStream(jar.outputStream(), manifest).close()
        return jar
    }
}

/**
 * What android-sample's BenchActivity does with its intent, on the desktop: extras (`--es key
 * value`, `--ei key int`) to a map, then [BenchJob]. Args: the app's files folder, then the
 * extras as `am start` received them.
 */
object FakeBenchActivity {
    @JvmStatic
    fun main(args: Array<String>) {
        val baseDir = File(args[0])
        val extras = linkedMapOf<String, Any>()
        var i = 1
        while (i + 2 < args.size) {
            val (type, key, value) = Triple(args[i], args[i + 1], args[i + 2])
            extras[key] = when (type) {
                "--ei" -> value.toInt()
                "--es" -> value
                else -> error("unexpected extra type $type")
            }
            i += 3
        }
        val device = DeviceInfo.fromSystem().toBuilder().platform("android").manufacturer("Fake").model("adb-test").build()
        val result = try {
            BenchJob.fromArgs(extras, baseDir).execute(device, MemoryProbes.defaults())
        } catch (e: BenchmarkException) {
            BenchJob.writeArgumentError(extras, baseDir, e, device)
            return
        }
        println(BenchJob.summary(result))
    }
}
