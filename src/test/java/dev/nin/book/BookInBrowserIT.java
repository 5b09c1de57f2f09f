package dev.nin.book;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built book, opened in a real browser (headless Chromium through WebDriver): every page in the reading
 * order, and on each a check for what a reader would trip over — a link to a page or anchor that does not
 * exist, an image that does not load, an include Asciidoctor could not resolve, a JavaScript error, content
 * wider than a 1280 px window. A full-page screenshot of every page goes to target/book-screenshots/ for a
 * person to look at. Runs after the book is built ({@code ./nin verify}, failsafe's integration-test phase).
 * <p>
 * Without Chromium the test is skipped, saying how to install it; where {@code CI=true} or
 * {@code NIN_REQUIRE_BROWSER=1} it fails instead, so CI cannot pass without having looked.
 */
@Tag("book")
class BookInBrowserIT {

    /** The reader's window: the book must fit in it without sideways scrolling. */
    static final int WIDTH = 1280, HEIGHT = 900;

    /** Debian's packages; CHROME_BIN and CHROMEDRIVER override them. */
    static final String CHROMIUM = env("CHROME_BIN", "/usr/bin/chromium"), DRIVER = env("CHROMEDRIVER", "/usr/bin/chromedriver");

    static final Path BOOK = Path.of(System.getProperty("nin.book", "target/book")).toAbsolutePath();
    static final Path PAGES = Path.of(System.getProperty("nin.book.pages", "target/book-facts/pages.txt"));
    static final Path SCREENSHOTS = Path.of(System.getProperty("nin.book.screenshots", "target/book-screenshots"));

    static ChromeDriver browser;
    static Path profile;

    /** What one visited page holds: its anchors and its links. */
    record Visited(String page, Set<String> ids, List<String> links) {
    }

    @BeforeAll
    static void openBrowser() throws IOException {
        boolean required = "true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("NIN_REQUIRE_BROWSER"));
        boolean present = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(DRIVER));
        String missing = "no headless Chromium to check the book with (looked for " + CHROMIUM + " and " + DRIVER
                + "); install it with: sudo apt-get install chromium chromium-driver (or set CHROME_BIN and CHROMEDRIVER)";
        if (!present && required) throw new AssertionError(missing + " — required here because CI=true or NIN_REQUIRE_BROWSER=1");
        if (!present) System.err.println("BookInBrowserIT skipped: " + missing); // seen in the build's output, not only in a report
        Assumptions.assumeTrue(present, missing);
        assertThat(PAGES).as("the book's page list, written by dev.nin.book.BookPages at prepare-package").exists();

        profile = Files.createTempDirectory("nin-book-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--window-size=" + WIDTH + "," + HEIGHT, "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (browser != null) browser.quit();
        if (profile != null) try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void everyPageLoadsFitsTheWindowAndLinksOnlyToWhatExists() throws IOException {
        List<String> pages = Files.readAllLines(PAGES).stream().filter(l -> !l.isBlank()).toList();
        assertThat(pages).as("pages of the book").isNotEmpty().first().isEqualTo("index");
        Files.createDirectories(SCREENSHOTS);
        List<String> problems = new ArrayList<>();
        Map<String, Visited> visited = new LinkedHashMap<>();
        for (String page : pages) {
            Path file = BOOK.resolve(page + ".html");
            if (!Files.isRegularFile(file)) {
                problems.add(page + ".html: not built (expected " + file + ")");
                continue;
            }
            visited.put(page + ".html", visit(page, file, problems));
        }
        for (Visited v : visited.values())
            for (String href : v.links()) checkLink(v, href, visited, problems);
        assertThat(problems).as("what a reader of the built book would trip over (screenshots in %s)", SCREENSHOTS.toAbsolutePath()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Visited visit(String page, Path file, List<String> problems) throws IOException {
        browser.get(file.toUri().toString());
        JavascriptExecutor js = browser;
        String where = page + ".html: ";

        long viewport = ((Number) js.executeScript("return window.innerWidth")).longValue();
        long width = ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
        if (width > WIDTH) {
            List<String> wide = (List<String>) js.executeScript("""
                    const limit = arguments[0], out = [];
                    for (const e of document.querySelectorAll('body *')) {
                      const r = e.getBoundingClientRect();
                      if (r.right > limit + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > limit + 1))
                        out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
                          + ' "' + (e.textContent || '').trim().slice(0, 60) + '"');
                      if (out.length >= 5) break;
                    }
                    return out;""", WIDTH);
            problems.add(where + "content is " + width + " px wide, wider than the " + WIDTH + " px window (viewport "
                    + viewport + " px); widest: " + wide);
        }
        List<String> brokenImages = (List<String>) js.executeScript(
                "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'))");
        for (String src : brokenImages) problems.add(where + "image does not load: " + src);
        String text = (String) js.executeScript("return document.body.innerText");
        for (String marker : List.of("Unresolved directive", "include file not found", "STUB "))
            if (text.contains(marker)) problems.add(where + "an include was not resolved (\"" + marker + "\" in the page)");
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER).getAll())
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) problems.add(where + "JavaScript console error: " + entry.getMessage());

        List<String> ids = (List<String>) js.executeScript("return Array.from(document.querySelectorAll('[id]')).map(e => e.id)");
        ids = new ArrayList<>(ids);
        ids.addAll((List<String>) js.executeScript("return Array.from(document.querySelectorAll('a[name]')).map(e => e.name)"));
        List<String> links = (List<String>) js.executeScript("return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))");
        screenshot(page);
        return new Visited(page + ".html", new LinkedHashSet<>(ids), links);
    }

    /** The whole page, not only the window: Chromium's own capture beyond the viewport. */
    private static void screenshot(String page) throws IOException {
        JavascriptExecutor js = browser;
        long height = ((Number) js.executeScript("return Math.ceil(document.documentElement.scrollHeight)")).longValue();
        // a window as tall as the page, so that the fixed sidebar is drawn all the way down as a reader sees it
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", WIDTH, "height", height, "deviceScaleFactor", 1, "mobile", false));
        try {
            Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of(
                    "format", "png", "captureBeyondViewport", true,
                    "clip", Map.of("x", 0, "y", 0, "width", WIDTH, "height", height, "scale", 1)));
            Files.write(SCREENSHOTS.resolve(page + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** A link inside the book must reach a built file, and its #anchor an element of that page. */
    private static void checkLink(Visited from, String href, Map<String, Visited> visited, List<String> problems) {
        String where = from.page() + ": link \"" + href + "\" ";
        if (href.isBlank()) {
            problems.add(where + "is empty");
            return;
        }
        URI uri;
        try {
            uri = URI.create(href.replace(" ", "%20"));
        } catch (IllegalArgumentException e) {
            problems.add(where + "is not a valid address");
            return;
        }
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) return; // outside the book: not ours to check
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? from.page() : uri.getPath();
        String fragment = uri.getFragment();
        Visited target = visited.get(path);
        if (target == null) {
            if (path.endsWith(".html") || !Files.exists(BOOK.resolve(path))) problems.add(where + "leads to no page of the book");
            return;
        }
        if (fragment != null && !fragment.isEmpty() && !target.ids().contains(fragment))
            problems.add(where + "leads to " + path + ", which has no anchor #" + fragment);
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
