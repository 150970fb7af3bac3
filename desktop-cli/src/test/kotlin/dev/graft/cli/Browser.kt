package dev.graft.cli

import com.google.gson.JsonParser
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/** Opens pages in Debian's headless Chromium through the LiteRT runner's playwright-core. */
object Browser {
    data class PlotCheck(val plots: Int, val emptyPlots: Int, val consoleErrors: List<String>)

    private val runner: Path? by lazy {
        var p: Path? = Path.of("").toAbsolutePath()
        while (p != null && !Files.isDirectory(p.resolve("tools/litert-runner/node_modules/playwright-core"))) p = p.parent
        p?.resolve("tools/litert-runner")
    }

    /**
     * Null (and a note on stderr) when Chromium or playwright-core is not installed here. The
     * checking script is written beside [html], in the caller's (temporary) folder.
     */
    fun checkPlots(html: Path): PlotCheck? {
        val dir = runner
        if (dir == null || !Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            System.err.println("skipping the browser check: needs /usr/bin/chromium and tools/litert-runner/node_modules")
            return null
        }
        val script = Files.writeString(html.resolveSibling("check-plots.cjs"), SCRIPT)
        val p = ProcessBuilder("node", script.toString(), html.toUri().toString())
            .directory(dir.toFile()).redirectErrorStream(false).start()
        val out = String(p.inputStream.readAllBytes())
        val err = String(p.errorStream.readAllBytes())
        check(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) { "browser check failed: $err" }
        val json = JsonParser.parseString(out.trim().lines().last()).asJsonObject
        return PlotCheck(json["plots"].asInt, json["empty"].asInt, json["errors"].asJsonArray.map { it.asString })
    }

    private val SCRIPT = """
        const path = require('path');
        const { chromium } = require(path.join(process.cwd(), 'node_modules', 'playwright-core'));
        (async () => {
          const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox',
            '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
          const page = await browser.newPage();
          const errors = [];
          page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
          page.on('pageerror', e => errors.push(String(e)));
          await page.goto(process.argv[2]);
          const r = await page.evaluate(() => {
            const svgs = [...document.querySelectorAll('svg.plot')];
            const empty = svgs.filter(s => s.querySelectorAll('rect,polyline,path').length === 0 || s.getBoundingClientRect().width === 0);
            return { plots: svgs.length, empty: empty.length };
          });
          await browser.close();
          console.log(JSON.stringify({ ...r, errors }));
        })().catch(e => { console.error(String(e)); process.exit(1); });
    """.trimIndent()
}
