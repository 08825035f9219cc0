package org.mlsdm.memory;

import java.time.Instant;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.SystemStateRecord;

/** Everything a manager holds except the update time, which a snapshot sets to now. */
record ManagerContent(
    String id, Instant createdAt, MemoryStateRecord memory, QilmStateRecord qilm) {

  static ManagerContent of(MemoryManager m) {
    SystemStateRecord s = m.snapshot();
    return new ManagerContent(s.id(), s.createdAt(), s.memoryState(), s.qilm());
  }
}
