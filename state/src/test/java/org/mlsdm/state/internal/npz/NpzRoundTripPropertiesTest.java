package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.mlsdm.state.MemoryParameters;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;

class NpzRoundTripPropertiesTest {

  @Property(tries = 200)
  void writeThenRead_givesAnEqualRecord(@ForAll("states") SystemStateRecord state)
      throws IOException {
    Path file = Files.createTempFile("npz-property", ".npz");
    try {
      NpzTesting.write(state, file);

      assertThat(NpzTesting.readRecord(file)).isEqualTo(state);
    } finally {
      Files.delete(file);
    }
  }

  @Provide
  Arbitrary<SystemStateRecord> states() {
    Arbitrary<Double> value =
        Arbitraries.oneOf(
            Arbitraries.doubles().between(-1e300, 1e300),
            Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, -Double.MAX_VALUE, 1e-300));
    Arbitrary<Integer> dimension = Arbitraries.integers().between(1, 9);
    Arbitrary<double[]> row = value.array(double[].class).ofMaxSize(9);
    Arbitrary<double[][]> memory = row.array(double[][].class).ofMaxSize(7);
    Arbitrary<String> id =
        Arbitraries.strings()
            .ofMinLength(1)
            .ofMaxLength(12)
            .filter(
                s ->
                    !s.isBlank()
                        && s.chars().noneMatch(c -> c == 0)
                        && s.codePoints().allMatch(Character::isValidCodePoint)
                        && s.equals(
                            new String(
                                s.codePoints().toArray(), 0, s.codePointCount(0, s.length()))))
            .injectNull(0.2);
    Arbitrary<Instant> instant =
        Arbitraries.longs()
            .between(0, 4_000_000_000_000_000L)
            .map(micros -> Instant.EPOCH.plusNanos(micros * 1000));
    return Combinators.combine(dimension, memory, id, instant, value.list().ofSize(27))
        .as((d, rows, name, created, numbers) -> state(d, rows, name, created, numbers));
  }

  private static SystemStateRecord state(
      int d, double[][] rows, String id, Instant created, List<Double> numbers) {
    double[][] levels = new double[3][d];
    for (int i = 0; i < 3 * d; i++) {
      levels[i / d][i % d] = numbers.get(i % numbers.size());
    }
    double[] phases = new double[rows.length];
    for (int i = 0; i < phases.length; i++) {
      phases[i] = numbers.get(i);
    }
    return new SystemStateRecord(
        1,
        id,
        created,
        created.plusSeconds(1),
        new MemoryStateRecord(d, MemoryParameters.DEFAULTS, levels[0], levels[1], levels[2]),
        new QilmStateRecord(rows, phases));
  }
}
