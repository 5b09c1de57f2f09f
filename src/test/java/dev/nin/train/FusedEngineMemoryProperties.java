package dev.nin.train;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.nin.book.Chapters;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.BackwardMemory;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.NinVariants;
import dev.nin.model.Shape;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@Tag(Chapters.EXERCISES)
class FusedEngineMemoryProperties {

    /** A tensor that is only a shape: the network can be built at batch 128 and resize 224 without the memory. */
    record Shaped(Shape shape) implements Tensor {
    }

    // tag::counting-backend[]
    /** A backend that only counts what the network allocates; any computation would be a mistake here. */
    static final class Allocations {
        final List<Long> bytes = new ArrayList<>();
        final Backend backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "allocate" -> {
                        Shape s = (Shape) args[0];
                        bytes.add(s.size() * Float.BYTES);
                        yield new Shaped(s);
                    }
                    case "view" -> new Shaped((Shape) args[1]);
                    case "name" -> "counting";
                    case "toString" -> "a counting backend";
                    default -> throw new UnsupportedOperationException(method.getName() + " while building a network");
                });

        long total() {
            return bytes.stream().mapToLong(Long::longValue).sum();
        }
    }
    // end::counting-backend[]

    /** The chapter's network and every exercise variant. */
    static Gen<NetworkSpec> networks() {
        List<NetworkSpec> nets = new ArrayList<>(List.of(Nin.spec()));
        NinVariants.all().forEach(v -> nets.add(v.spec()));
        return integers().between(0, nets.size() - 1).map(nets::get);
    }

    // tag::engine-bytes[]
    @Test
    void theEngineAllocatesExactlyTheBytesTheFusedEngineModelCounts() {
        forAll(networks(), integers().between(Nin.minimumInputSize(), 256), integers().between(1, 256)).tries(60)
                .check((net, resize, batch) -> {
                    Allocations counted = new Allocations();
                    new Network(counted.backend, net, Shape.of(1, 1, resize, resize), batch);
                    List<BackwardMemory.Array> model = BackwardMemory.fusedEngine(net, Shape.of(batch, 1, resize, resize));
                    assertThat(counted.total()).as("%s at resize %d, batch %d", net.name(), resize, batch)
                            .isEqualTo(BackwardMemory.bytes(model));
                    assertThat(counted.bytes).hasSameSizeAs(model);
                });
    }
    // end::engine-bytes[]

    @Test
    void atTheChaptersConfigurationTheEngineKeepsLessThanTheEveryOutputModel() {
        Allocations counted = new Allocations();
        new Network(counted.backend, Nin.spec(), Shape.of(1, 1, 224, 224), 128);
        Shape batch = Shape.of(128, 1, 224, 224);
        assertThat(counted.total()).isEqualTo(BackwardMemory.bytes(BackwardMemory.fusedEngine(Nin.spec(), batch)))
                .isLessThan(dev.nin.model.MemoryCost.training(Nin.spec(), batch, dev.nin.model.MemoryCost.Optimizer.SGD).total());
    }
}
