package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlsdm.state.StateCorruptionException;
import org.mlsdm.state.StateFormat;
import org.mlsdm.state.StateRecoveryException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import org.mlsdm.state.internal.io.RealFileOps;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.testing.StoreFiles;
import org.mlsdm.testing.TestStates;

/**
 * Recover isolates each candidate's failure: a main file whose parse throws an {@code Error} (as a
 * hostile file could make a reader run out of heap or stack) never hides the valid backup. The
 * hostile parse is injected through a codec that throws when it reads the main file.
 */
class RecoverIsolationTest {
  @TempDir Path dir;

  /** The real codec, except that reading {@code poisoned} throws what {@code error} supplies. */
  private static final class HostileCodec implements StateCodec {
    private final StateCodec real;
    private final Path poisoned;
    private final Supplier<Throwable> error;
    int thrown;

    HostileCodec(StateCodec real, Path poisoned, Supplier<Throwable> error) {
      this.real = real;
      this.poisoned = poisoned;
      this.error = error;
    }

    @Override
    public void write(SystemStateRecord state, OutputStream out) throws IOException {
      real.write(state, out);
    }

    @Override
    public Decoded read(SeekableByteChannel in, String source) throws IOException {
      if (Path.of(source).equals(poisoned)) {
        thrown++;
        Throwable t = error.get();
        if (t instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) t;
      }
      return real.read(in, source);
    }
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> errorsAndFormats() {
    return java.util.stream.Stream.of("oom", "soe", "npe")
        .flatMap(
            e ->
                StoreFiles.formats()
                    .map(f -> org.junit.jupiter.params.provider.Arguments.of(e, f)));
  }

  private static Throwable error(String kind) {
    return switch (kind) {
      case "oom" -> new OutOfMemoryError("Java heap space (injected)");
      case "soe" -> new StackOverflowError();
      default -> new NullPointerException("injected");
    };
  }

  private static StateStore store(HostileCodec codec) {
    return new StateStore(RealFileOps.INSTANCE, Clock.systemUTC(), f -> codec);
  }

  @ParameterizedTest
  @MethodSource("errorsAndFormats")
  void recover_mainParseThrows_restoresTheValidBackup(String kind, String ext) throws IOException {
    Path p = dir.resolve("state." + ext).toAbsolutePath();
    SystemStateRecord first = SystemStates.save(TestStates.sample(1), p);
    SystemStates.save(TestStates.sample(2), p);
    byte[] backup = StoreFiles.bytes(SystemStates.backupPath(p));
    HostileCodec codec = new HostileCodec(Codecs.of(StateFormat.of(p)), p, () -> error(kind));

    // The main file matches its checksum: only its parse fails.
    assertThat(store(codec).recover(p).state()).isEqualTo(first);

    // Tried as the main file, then as an interrupted save's candidate its checksum vouches for.
    assertThat(codec.thrown).isEqualTo(2);
    assertThat(StoreFiles.bytes(p)).isEqualTo(backup);
    assertThat(SystemStates.load(p)).isEqualTo(first);
  }

  @ParameterizedTest
  @MethodSource("errorsAndFormats")
  void recover_corruptMainWhoseParseThrows_reportsCorruptionAndRestoresTheBackup(
      String kind, String ext) throws IOException {
    Path p = dir.resolve("state." + ext).toAbsolutePath();
    SystemStateRecord first = SystemStates.save(TestStates.sample(1), p);
    SystemStates.save(TestStates.sample(2), p);
    Files.write(p, new byte[] {'x'}, StandardOpenOption.APPEND);
    HostileCodec codec = new HostileCodec(Codecs.of(StateFormat.of(p)), p, () -> error(kind));
    StateStore store = store(codec);

    // The load sees the checksum mismatch, not the Error the parse threw meanwhile.
    assertThatThrownBy(() -> store.load(p, org.mlsdm.state.LoadOptions.defaults()))
        .isInstanceOf(StateCorruptionException.class);
    assertThat(store.recover(p).state()).isEqualTo(first);
    assertThat(codec.thrown).isEqualTo(2);
    assertThat(SystemStates.load(p)).isEqualTo(first);
  }

  @ParameterizedTest
  @MethodSource("org.mlsdm.testing.StoreFiles#formats")
  void recover_internalError_isRethrownAndChangesNothing(String ext) throws IOException {
    Path p = dir.resolve("state." + ext).toAbsolutePath();
    SystemStates.save(TestStates.sample(1), p);
    SystemStates.save(TestStates.sample(2), p);
    byte[] main = StoreFiles.bytes(p);
    StateStore store =
        store(
            new HostileCodec(
                Codecs.of(StateFormat.of(p)), p, () -> new InternalError("the JVM is broken")));

    // The JVM's own failures are not a candidate's: they propagate.
    assertThatThrownBy(() -> store.recover(p))
        .isInstanceOf(InternalError.class)
        .isNotInstanceOf(StateRecoveryException.class);
    assertThat(StoreFiles.bytes(p)).isEqualTo(main);
  }
}
