package dev.nin.book;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The book's pages in reading order, and the navigation every page includes: previous and next page, and the
 * book's contents. Asciidoctor turns every {@code docs/*.adoc} whose name does not start with "_" into one
 * HTML page; this class writes {@code nav/<page>-top.adoc} and {@code nav/<page>-bottom.adoc} for each, with
 * the titles read from the pages themselves, so a renamed or retitled page cannot leave a stale link.
 */
public final class BookPages {

    /** The order a learner reads in. An appendix listed here but not (yet) in docs/ is left out. */
    static final List<String> ORDER = List.of(
            "index",
            "nin-blocks", "one-by-one-convolution", "nin-model", "global-average-pooling", "counting",
            "training", "exercises", "gpu",
            "appendix-testing", "appendix-trainer", "appendix-health-check", "appendix-performance",
            "appendix-gpu-backend", "appendix-pytorch-oracle", "appendix-records");

    /** Appendices are lettered in the contents; chapters are numbered. */
    static final String APPENDIX_PREFIX = "appendix-";

    /** One page: its document name (the file without ".adoc"; the HTML file is name + ".html") and title. */
    public record Page(String name, String title) {
        boolean appendix() {
            return name.startsWith(APPENDIX_PREFIX);
        }
    }

    private BookPages() {
    }

    /** {@code BookPages docs target/book-facts} */
    public static void main(String[] args) throws IOException {
        Path docs = Path.of(args.length > 0 ? args[0] : "docs");
        Path generated = Path.of(args.length > 1 ? args[1] : "target/book-facts");
        List<Page> pages = pages(docs);
        Path nav = generated.resolve("nav");
        Files.createDirectories(nav);
        for (int i = 0; i < pages.size(); i++) {
            Files.writeString(nav.resolve(pages.get(i).name() + "-top.adoc"), top(pages, i));
            Files.writeString(nav.resolve(pages.get(i).name() + "-bottom.adoc"), bottom(pages, i));
        }
        Files.writeString(generated.resolve("pages.txt"), String.join("\n", pages.stream().map(Page::name).toList()) + "\n");
        Files.writeString(nav.resolve("pages.adoc"), attributes(pages));
        System.out.println("BookPages: " + pages.size() + " pages, navigation in " + nav);
    }

    /** The pages in {@code docs}, in {@link #ORDER}; a page missing from the order is an error, not a silent orphan. */
    public static List<Page> pages(Path docs) throws IOException {
        List<String> present;
        try (Stream<Path> files = Files.list(docs)) {
            present = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".adoc") && !n.startsWith("_"))
                    .map(n -> n.substring(0, n.length() - ".adoc".length())).sorted().toList();
        }
        List<String> unlisted = present.stream().filter(n -> !ORDER.contains(n)).toList();
        if (!unlisted.isEmpty())
            throw new IllegalStateException("docs/" + unlisted.getFirst() + ".adoc is a page of the book but not in "
                    + "BookPages.ORDER: add it there (or name it with a leading _ if it is only included)");
        List<Page> pages = new ArrayList<>();
        for (String name : ORDER) {
            Path file = docs.resolve(name + ".adoc");
            if (Files.exists(file)) pages.add(new Page(name, title(file)));
            else if (!name.startsWith(APPENDIX_PREFIX))
                throw new IllegalStateException("BookPages.ORDER names " + name + " but docs/" + name + ".adoc does not exist");
        }
        return pages;
    }

    /** The page's document title: its first line that starts with "= ". */
    static String title(Path page) {
        try (Stream<String> lines = Files.lines(page)) {
            return lines.filter(l -> l.startsWith("= ")).findFirst().map(l -> l.substring(2).strip())
                    .orElseThrow(() -> new IllegalStateException(page + " has no document title (a first line \"= Title\")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "3." for the third chapter, "B." for the second appendix, nothing for the front page. */
    static String number(List<Page> pages, int index) {
        Page page = pages.get(index);
        if (index == 0) return "";
        long before = pages.subList(1, index).stream().filter(p -> p.appendix() == page.appendix()).count();
        return page.appendix() ? (char) ('A' + before) + "." : (before + 1) + ".";
    }

    static String label(List<Page> pages, int index) {
        String n = number(pages, index);
        return n.isEmpty() ? pages.get(index).title() : n + " " + pages.get(index).title();
    }

    static String link(List<Page> pages, int index) {
        return "xref:" + pages.get(index).name() + ".adoc[" + label(pages, index).replace("]", "\\]") + "]";
    }

    /**
     * How prose names a page, as attributes: {@code {ref-appendix-records}} is "Appendix F" while that appendix
     * is the sixth, so inserting an appendix renames every reference to the ones after it.
     */
    static String attributes(List<Page> pages) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < pages.size(); i++) {
            String n = number(pages, i);
            sb.append(":ref-").append(pages.get(i).name()).append(": ")
                    .append(pages.get(i).appendix() ? "Appendix " : "Chapter ").append(n, 0, n.length() - 1).append('\n');
        }
        return sb.toString();
    }

    // tag::navigation[]
    /** Above the page: previous and next, then the book's contents (moved into the sidebar by docinfo-footer.html). */
    static String top(List<Page> pages, int index) {
        StringBuilder sb = new StringBuilder();
        sb.append(prevNext(pages, index, "book-nav book-nav-top")).append('\n');
        sb.append("[#book-contents.book-contents]\n--\n[.book-contents-title]\n*Contents*\n\n");
        for (int i = 0; i < pages.size(); i++) {
            String entry = i == index ? "*" + label(pages, i).replace("*", "\\*") + "*" : link(pages, i);
            if (i > 0 && pages.get(i).appendix() && !pages.get(i - 1).appendix()) sb.append("\n[.book-contents-part]\nAppendices\n\n");
            sb.append("* ").append(entry).append('\n');
        }
        return sb.append("--\n").toString();
    }

    /** Below the page: previous and next again, so a reader who finished a page goes on without scrolling back. */
    static String bottom(List<Page> pages, int index) {
        return "\n" + prevNext(pages, index, "book-nav book-nav-bottom");
    }

    private static String prevNext(List<Page> pages, int index, String roles) {
        String prev = index > 0 ? "← " + link(pages, index - 1) : "";
        String next = index + 1 < pages.size() ? link(pages, index + 1) + " →" : "";
        String home = index > 1 ? link(pages, 0) : ""; // on the first chapter "previous" is already the front page
        return "[." + roles.replace(' ', '.') + "]\n[cols=\"1,1,1\",frame=none,grid=none]\n|===\n|" + prev + " ^|" + home + " >|" + next + "\n|===\n";
    }
    // end::navigation[]
}
