package org.mlsdm.state.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlsdm.state.internal.io.RealFileOps;

/** The power-loss model itself: what survives an unsynced append and an unsynced truncate. */
class PowerLossFileOpsTest {
  @TempDir Path dir;

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** The contents of file {@code f} over every crash image of a snapshot. */
  private static Set<String> contents(PowerLossFileOps.Snapshot s, String f) {
    Set<String> out = new TreeSet<>();
    s.crashImages(
        64,
        s.op(),
        image -> out.add(new String(image.get(f), StandardCharsets.US_ASCII).replace('\0', '0')));
    return out;
  }

  private static PowerLossFileOps.Snapshot last(PowerLossFileOps ops, String kind) {
    List<PowerLossFileOps.Snapshot> all = ops.snapshots();
    PowerLossFileOps.Snapshot s = all.get(all.size() - 1);
    assertThat(s.kind()).isEqualTo(kind);
    return s;
  }

  @Test
  void unsyncedAppend_mayBeLostTornZeroedOrKept() throws IOException {
    PowerLossFileOps ops = new PowerLossFileOps(RealFileOps.INSTANCE, dir);
    FileChannel ch = ops.createNew(dir.resolve("f"));
    ops.write(ch, ascii("abcd"));
    ops.force(ch);
    ops.forceDirectory(dir);
    ops.write(ch, ascii("efgh"));

    assertThat(contents(last(ops, "write"), "f"))
        .containsExactlyInAnyOrder("abcd", "abcdef", "abcd0000", "abcdefgh");
    ops.close(ch);
  }

  @Test
  void unsyncedTruncate_mayLeaveTheOldLengthAndBytes_untilForced() throws IOException {
    Files.writeString(dir.resolve("j"), "abcdefgh");
    PowerLossFileOps ops = new PowerLossFileOps(RealFileOps.INSTANCE, dir);
    FileChannel ch = ops.openWrite(dir.resolve("j"));

    ops.truncate(ch, 5);

    // Lost (and untruncated, the same here): the old bytes; kept or torn: the cut; zeroed: the cut
    // with nothing written after it.
    assertThat(contents(last(ops, "truncate"), "j")).containsExactlyInAnyOrder("abcdefgh", "abcde");
    assertThat(Files.readString(dir.resolve("j"))).isEqualTo("abcde");

    ch.position(ch.size());
    ops.write(ch, ascii("XY"));
    // Every byte before the cut reached the disk (untruncated) or nothing since the last force
    // did (lost), or the cut and half (torn) or all (kept) of what followed, or zeros after it.
    assertThat(contents(last(ops, "write"), "j"))
        .containsExactlyInAnyOrder("abcdefgh", "abcdeX", "abcde00", "abcdeXY");

    ops.force(ch);
    assertThat(contents(last(ops, "force"), "j")).containsExactly("abcdeXY");
    ops.close(ch);
  }

  @Test
  void truncateAfterAnUnsyncedAppend_mayLeaveTheAppendedBytes() throws IOException {
    PowerLossFileOps ops = new PowerLossFileOps(RealFileOps.INSTANCE, dir);
    FileChannel ch = ops.createNew(dir.resolve("j"));
    ops.write(ch, ascii("abcd"));
    ops.force(ch);
    ops.forceDirectory(dir);
    ops.write(ch, ascii("GARB"));

    ops.truncate(ch, 4);

    // The failed append's bytes may have been written back before the cut, which is not durable.
    assertThat(contents(last(ops, "truncate"), "j")).containsExactlyInAnyOrder("abcd", "abcdGARB");
    ops.close(ch);
  }
}
