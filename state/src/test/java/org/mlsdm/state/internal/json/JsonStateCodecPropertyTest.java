package org.mlsdm.state.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

class JsonStateCodecPropertyTest {

  private static final long ONE = Double.doubleToLongBits(1.0);
  private static final long MAX = Double.doubleToLongBits(Double.MAX_VALUE);
  private static final long MIN_SECOND = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
  private static final long MAX_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  @Property(tries = 300)
  void roundTrip_randomValidRecord_equalRecord(@ForAll("records") SystemStateRecord s)
      throws IOException {
    assertThat(JsonStateCodecSupport.roundTrip(s)).isEqualTo(s);
  }

  @Provide
  Arbitrary<SystemStateRecord> records() {
    Arbitrary<Instant[]> times =
        Combinators.combine(instants(), instants())
            .as((a, b) -> a.isAfter(b) ? new Instant[] {b, a} : new Instant[] {a, b});
    Arbitrary<String> ids =
        Arbitraries.strings()
            .all()
            .ofMinLength(1)
            .ofMaxLength(40)
            .filter(s -> !s.isBlank())
            .injectNull(0.2);
    return Combinators.combine(ids, times, memoryStates(), qilms())
        .as((id, t, m, q) -> new SystemStateRecord(1, id, t[0], t[1], m, q));
  }

  private static Arbitrary<Instant> instants() {
    return Combinators.combine(
            Arbitraries.longs().between(MIN_SECOND, MAX_SECOND),
            Arbitraries.integers().between(0, 999_999_999))
        .as((sec, nanos) -> Instant.ofEpochSecond(sec, nanos).truncatedTo(ChronoUnit.MICROS));
  }

  private static Arbitrary<MemoryStateRecord> memoryStates() {
    return Arbitraries.integers()
        .between(1, 20)
        .flatMap(
            d ->
                Combinators.combine(parameters(), vector(d, d), vector(d, d), vector(d, d))
                    .as((p, l1, l2, l3) -> new MemoryStateRecord(d, p, l1, l2, l3)));
  }

  private static Arbitrary<MemoryParameters> parameters() {
    Arbitrary<Double> unit = bits(1, ONE);
    Arbitrary<Double> gating = bits(0, ONE);
    Arbitrary<Double> positive = bits(1, MAX);
    return Combinators.combine(unit, unit, unit, positive, positive, gating, gating)
        .as(MemoryParameters::new);
  }

  /** Non-negative doubles in a bit range; their order follows the bits. */
  private static Arbitrary<Double> bits(long from, long to) {
    return Arbitraries.longs().between(from, to).map(Double::longBitsToDouble);
  }

  private static Arbitrary<Double> values() {
    Arbitrary<Double> anyFinite =
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite);
    Arbitrary<Double> edges =
        Arbitraries.of(
            0.0,
            -0.0,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            Double.MIN_NORMAL,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            1e-300,
            0.1 + 0.2,
            1e16,
            1.2345678901234568e17);
    Arbitrary<Double> plain = Arbitraries.doubles().between(-1e6, 1e6).ofScale(17);
    return Arbitraries.oneOf(anyFinite, edges, plain);
  }

  private static Arbitrary<double[]> vector(int min, int max) {
    return values()
        .list()
        .ofMinSize(min)
        .ofMaxSize(max)
        .map(l -> l.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static Arbitrary<QilmStateRecord> qilms() {
    return Arbitraries.integers()
        .between(0, 10)
        .flatMap(
            n ->
                Combinators.combine(vector(0, 20).array(double[][].class).ofSize(n), vector(n, n))
                    .as(QilmStateRecord::new));
  }
}
