package dev.nin.book;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every page of the book is in the reading order, and each links to its neighbours and to every page. */
@Tag("records")
class BookPagesTest {

    @TempDir
    Path docs;

    @Test
    void theRealBookHasEveryPageInOrderAndTheFrontPageFirst() throws Exception {
        List<BookPages.Page> pages = BookPages.pages(Path.of("docs"));
        assertThat(pages.getFirst().name()).isEqualTo("index");
        assertThat(pages).extracting(BookPages.Page::name).contains("nin-blocks", "training", "exercises", "gpu", "appendix-testing");
        assertThat(pages).allSatisfy(p -> assertThat(p.title()).isNotBlank());
    }

    @Test
    void eachPageLinksItsNeighboursAndListsEveryPage() throws Exception {
        page("index", "= Start");
        page("nin-blocks", "= NiN blocks (NiN 块)");
        page("training", "= Training");
        page("exercises", "= Exercises");
        page("nin-model", "= Model");
        page("one-by-one-convolution", "= 1×1");
        page("global-average-pooling", "= GAP");
        page("counting", "= Counting");
        page("gpu", "= GPU");
        page("appendix-testing", "= Testing");
        List<BookPages.Page> pages = BookPages.pages(docs);

        int blocks = 1;
        String top = BookPages.top(pages, blocks);
        assertThat(top).contains("← xref:index.adoc[Start]", "xref:one-by-one-convolution.adoc[2. 1×1] →",
                "*1. NiN blocks (NiN 块)*", "* xref:gpu.adoc[8. GPU]", "Appendices", "* xref:appendix-testing.adoc[A. Testing]");
        assertThat(BookPages.bottom(pages, blocks)).contains("← xref:index.adoc[Start]", "xref:one-by-one-convolution.adoc[2. 1×1] →");
        assertThat(BookPages.top(pages, pages.size() - 1)).doesNotContain(" →\n").contains("← xref:gpu.adoc[8. GPU]");
    }

    @Test
    void aPageMissingFromTheOrderIsRefusedByName() throws Exception {
        page("index", "= Start");
        page("stray", "= Stray");
        assertThatThrownBy(() -> BookPages.pages(docs)).hasMessageContaining("docs/stray.adoc").hasMessageContaining("BookPages.ORDER");
    }

    @Test
    void includedOnlyFilesStartWithAnUnderscoreAndAreNoPages() throws Exception {
        for (String name : BookPages.ORDER) if (!name.startsWith(BookPages.APPENDIX_PREFIX)) page(name, "= " + name);
        page("_settings", ":toc: left");
        assertThat(BookPages.pages(docs)).extracting(BookPages.Page::name).doesNotContain("_settings");
    }

    private void page(String name, String firstLine) throws Exception {
        Files.writeString(docs.resolve(name + ".adoc"), firstLine + "\ninclude::_settings.adoc[]\n");
    }
}
