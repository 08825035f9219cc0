package org.mlsdm.state.internal.store;

import java.nio.file.Path;
import java.util.List;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.Records;

/**
 * Applies journal frames to a base record. The base's QILM vectors are shared with the result, not
 * copied (records never change their arrays), so applying a journal costs the frames' size plus one
 * array of references, not a copy of the state.
 */
final class JournalApply {
  private JournalApply() {}

  static SystemStateRecord apply(SystemStateRecord base, List<JournalFormat.Frame> frames, Path j) {
    if (frames.isEmpty()) {
      return base;
    }
    Records.Access a = Records.access();
    double[][] baseRows = a.rows(base.qilm());
    double[] basePhases = a.phases(base.qilm());
    String[] baseLabels = a.labels(base.qilm());
    boolean labelled = baseLabels != null;
    long total = baseRows.length;
    for (JournalFormat.Frame f : frames) {
      total += f.rows().length;
      labelled |= f.labels() != null;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new StateLoadException(
          StateLoadException.Reason.MALFORMED, "Journal " + j + " holds too many rows", null);
    }
    double[][] rows = new double[(int) total][];
    double[] phases = new double[(int) total];
    System.arraycopy(baseRows, 0, rows, 0, baseRows.length);
    System.arraycopy(basePhases, 0, phases, 0, basePhases.length);
    // Labels only when the base or a frame has one, so numeric states pay nothing for them.
    String[] labels = labelled ? new String[(int) total] : null;
    if (baseLabels != null) {
      System.arraycopy(baseLabels, 0, labels, 0, baseLabels.length);
    }
    int at = baseRows.length;
    for (JournalFormat.Frame f : frames) {
      System.arraycopy(f.rows(), 0, rows, at, f.rows().length);
      System.arraycopy(f.phases(), 0, phases, at, f.phases().length);
      if (f.labels() != null) {
        System.arraycopy(f.labels(), 0, labels, at, f.labels().length);
      }
      at += f.rows().length;
    }
    JournalFormat.Frame last = frames.get(frames.size() - 1);
    MemoryStateRecord m = base.memoryState();
    try {
      MemoryStateRecord memory =
          a.adoptMemory(m.dimension(), m.parameters(), last.l1(), last.l2(), last.l3());
      QilmStateRecord qilm = a.adoptQilm(rows, phases, labels);
      return new SystemStateRecord(
          base.version(), last.id(), base.createdAt(), last.updatedAt(), memory, qilm);
    } catch (StateValidationException e) {
      throw new StateLoadException(
          StateLoadException.Reason.INVALID,
          "Invalid state in the journal " + j + ": " + e.getMessage(),
          e);
    }
  }
}
