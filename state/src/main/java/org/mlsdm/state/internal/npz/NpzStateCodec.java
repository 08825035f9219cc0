package org.mlsdm.state.internal.npz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlsdm.state.MemoryStateRecord;
import org.mlsdm.state.QilmStateRecord;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.LoadBudget;
import org.mlsdm.state.internal.Records;
import org.mlsdm.state.internal.schema.Timestamps;
import org.mlsdm.state.internal.store.StateCodec;

/**
 * The NPZ format: a zip of {@code .npy} arrays that {@code numpy.load(path, allow_pickle=False)}
 * reads (API.md §5), plus, for reading, the pickled layouts the Python system writes.
 *
 * <pre>
 * entry (name + ".npy")        dtype   shape    written
 * version                      &lt;i8     ()       always
 * id                           &lt;U n    ()       only when the id is not null
 * created_at, updated_at       &lt;U n    ()       ISO-8601, microseconds, Z
 * memory_state.dimension       &lt;i8     ()
 * memory_state.lambda_l1 … gating23  &lt;f8  ()   seven parameters
 * memory_state.state_l1/2/3    &lt;f8     (d,)
 * qilm.memory                  &lt;f8     (n, d)   all vectors of length d; (0, 0) when n = 0
 * qilm.memory_flat             &lt;f8     (sum,)   otherwise, with
 * qilm.memory_lengths          &lt;i8     (n,)       the length of each vector
 * qilm.phases                  &lt;f8     (n,)
 *
 * read also: state                     0-d object array: the Python store's pickled dict,
 *                                      returned as its state map
 *            format_version, memory_state, qilm   the Python MemoryManager (schema version 0):
 *                                      a 0-d integer and two 1-element (or 0-d) object arrays
 *                                      of dicts, returned as a map of those three keys and no
 *                                      version
 * </pre>
 *
 * A reader picks the layout by its entries: {@code version} first, then {@code state}, then {@code
 * memory_state} or {@code qilm}. Entry names are compared without {@code .npy}, so a name and the
 * same name plus {@code .npy} are duplicates. Reading goes through {@link ZipArchiveReader} (limits
 * against zip bombs), {@link NpyReader} (strict headers, shapes checked against entry sizes) and
 * {@link RestrictedUnpickler} (an allow-list, nothing executed). Unknown entries are ignored. One
 * {@link LoadBudget} for the file's size is charged with every value the entries decode to, and
 * with the rows that {@code qilm.memory_lengths} cuts {@code qilm.memory_flat} into.
 */
public final class NpzStateCodec implements StateCodec {
  /** The one instance; the codec is stateless. */
  public static final NpzStateCodec INSTANCE = new NpzStateCodec();

  private static final String[] PARAMETERS = {
    "lambda_l1", "lambda_l2", "lambda_l3", "theta_l1", "theta_l2", "gating12", "gating23"
  };
  private static final String[] LEVELS = {"state_l1", "state_l2", "state_l3"};

  private NpzStateCodec() {}

  @Override
  public void write(SystemStateRecord state, OutputStream out) throws IOException {
    MemoryStateRecord m = state.memoryState();
    QilmStateRecord q = state.qilm();
    List<ZipArchiveWriter.Entry> entries = new ArrayList<>();
    add(entries, "version", NpyWriter.int64(state.version()));
    if (state.id() != null) {
      add(entries, "id", NpyWriter.unicode(state.id()));
    }
    add(entries, "created_at", NpyWriter.unicode(Timestamps.format(state.createdAt())));
    add(entries, "updated_at", NpyWriter.unicode(Timestamps.format(state.updatedAt())));
    add(entries, "memory_state.dimension", NpyWriter.int64(m.dimension()));
    double[] parameters = {
      m.lambdaL1(), m.lambdaL2(), m.lambdaL3(), m.thetaL1(), m.thetaL2(), m.gating12(), m.gating23()
    };
    for (int i = 0; i < PARAMETERS.length; i++) {
      add(entries, "memory_state." + PARAMETERS[i], NpyWriter.float64(parameters[i]));
    }
    double[][] levels = {Records.access().l1(m), Records.access().l2(m), Records.access().l3(m)};
    for (int i = 0; i < LEVELS.length; i++) {
      add(entries, "memory_state." + LEVELS[i], NpyWriter.vector(levels[i]));
    }
    double[][] rows = Records.access().rows(q);
    int width = rows.length == 0 ? 0 : rows[0].length;
    boolean rectangular = true;
    for (double[] row : rows) {
      rectangular &= row.length == width;
    }
    if (rectangular) {
      add(entries, "qilm.memory", NpyWriter.matrix(rows, width));
    } else {
      add(entries, "qilm.memory_flat", NpyWriter.concatenation(rows));
      add(entries, "qilm.memory_lengths", NpyWriter.lengths(rows));
    }
    add(entries, "qilm.phases", NpyWriter.vector(Records.access().phases(q)));
    ZipArchiveWriter.write(entries, out);
  }

  private static void add(List<ZipArchiveWriter.Entry> entries, String key, NpyWriter data) {
    entries.add(new ZipArchiveWriter.Entry(key + ".npy", data));
  }

  @Override
  public Map<String, Object> read(SeekableByteChannel in, String source) throws IOException {
    return read(in, source, LoadBudget.forFileSize(in.size()));
  }

  /** {@link #read(SeekableByteChannel, String)} charging a given budget, which tests inspect. */
  Map<String, Object> read(SeekableByteChannel in, String source, LoadBudget budget)
      throws IOException {
    ZipArchiveReader zip = ZipArchiveReader.open(in, source, budget);
    Map<String, ZipArchiveReader.Entry> byKey = new LinkedHashMap<>();
    for (ZipArchiveReader.Entry e : zip.entries()) {
      String key =
          e.name().endsWith(".npy") ? e.name().substring(0, e.name().length() - 4) : e.name();
      if (byKey.putIfAbsent(key, e) != null) {
        throw new StateLoadException(
            source + ": duplicate entry '" + key + "' (again as '" + e.name() + "')");
      }
    }
    Entries entries = new Entries(zip, byKey, source, budget);
    if (byKey.containsKey("version")) {
      return entries.nativeLayout();
    }
    if (byKey.containsKey("state")) {
      return entries.pickledDict("state", "state");
    }
    if (byKey.containsKey("memory_state") || byKey.containsKey("qilm")) {
      return entries.managerLayout();
    }
    throw new StateLoadException(
        source
            + ": missing entry 'version.npy' (and no legacy 'state.npy'"
            + " or 'memory_state.npy' entry)");
  }

  /** The archive's entries by key (the name without {@code .npy}), decoded on demand. */
  private static final class Entries {
    private final ZipArchiveReader zip;
    private final Map<String, ZipArchiveReader.Entry> byKey;
    private final String source;
    private final LoadBudget budget;

    Entries(
        ZipArchiveReader zip,
        Map<String, ZipArchiveReader.Entry> byKey,
        String source,
        LoadBudget budget) {
      this.zip = zip;
      this.byKey = byKey;
      this.source = source;
      this.budget = budget;
    }

    Map<String, Object> nativeLayout() throws IOException {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("version", number("version"));
      out.put("id", byKey.containsKey("id") ? string("id") : null);
      out.put("created_at", string("created_at"));
      out.put("updated_at", string("updated_at"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dimension", number("memory_state.dimension"));
      for (String p : PARAMETERS) {
        m.put(p, number("memory_state." + p));
      }
      for (String l : LEVELS) {
        m.put(l, vector("memory_state." + l));
      }
      out.put("memory_state", m);
      Map<String, Object> q = new LinkedHashMap<>();
      boolean flat = byKey.containsKey("qilm.memory_flat");
      if (flat && byKey.containsKey("qilm.memory")) {
        throw new StateLoadException(
            source
                + ": entries 'qilm.memory.npy' and 'qilm.memory_flat.npy' must not both be present");
      }
      q.put("memory", flat ? ragged() : matrix("qilm.memory"));
      q.put("phases", vector("qilm.phases"));
      out.put("qilm", q);
      return out;
    }

    Map<String, Object> managerLayout() throws IOException {
      Map<String, Object> out = new LinkedHashMap<>();
      if (byKey.containsKey("format_version")) {
        Object v = number("format_version");
        if (!(v instanceof Long)) {
          throw bad("format_version", "must be an integer");
        }
        out.put("format_version", v);
      }
      out.put("memory_state", pickledDict("memory_state", "memory_state"));
      out.put("qilm", pickledDict("qilm", "qilm"));
      return out;
    }

    Map<String, Object> pickledDict(String key, String field) throws IOException {
      NpyReader.NpyArray a = array(key);
      Object value = a.value();
      if (a.shape().length == 1 && a.shape()[0] == 1 && value instanceof List<?> list) {
        value = list.get(0);
      } else if (a.shape().length != 0) {
        throw bad(key, "must be a 0-d or 1-element object array, got shape " + a.shapeText());
      }
      Object converted = RestrictedUnpickler.stateValue(value, where(key), budget);
      if (!(converted instanceof Map<?, ?>)) {
        throw bad(key, "must hold a pickled dict for '" + field + "'");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) converted;
      return map;
    }

    private double[][] ragged() throws IOException {
      double[] flat = vector("qilm.memory_flat");
      double[] lengths = vector("qilm.memory_lengths");
      // Every row is a copy: the references, an array header per row and all the values.
      budget.charge(
          LoadBudget.array(lengths.length, LoadBudget.REFERENCE)
              + lengths.length * LoadBudget.array(0, Double.BYTES)
              + (long) flat.length * Double.BYTES,
          where("qilm.memory_lengths") + ": " + lengths.length + " rows");
      double[][] rows = new double[lengths.length][];
      int at = 0;
      for (int i = 0; i < rows.length; i++) {
        double n = lengths[i];
        if (n < 0 || n != Math.rint(n) || n > flat.length - at) {
          throw bad(
              "qilm.memory_lengths",
              "length "
                  + n
                  + " at index "
                  + i
                  + " does not fit the "
                  + flat.length
                  + " values of 'qilm.memory_flat.npy'");
        }
        rows[i] = Arrays.copyOfRange(flat, at, at + (int) n);
        at += (int) n;
      }
      if (at != flat.length) {
        throw bad(
            "qilm.memory_lengths",
            "lengths add up to "
                + at
                + ", but 'qilm.memory_flat.npy'"
                + " holds "
                + flat.length
                + " values");
      }
      return rows;
    }

    private Object number(String key) throws IOException {
      NpyReader.NpyArray a = array(key);
      if (a.shape().length != 0 || !(a.value() instanceof Number)) {
        throw bad(key, "must be a 0-d number, got " + kind(a));
      }
      return a.value();
    }

    private String string(String key) throws IOException {
      NpyReader.NpyArray a = array(key);
      if (a.shape().length != 0 || !(a.value() instanceof String s)) {
        throw bad(key, "must be a 0-d string, got " + kind(a));
      }
      return s;
    }

    private double[] vector(String key) throws IOException {
      NpyReader.NpyArray a = array(key);
      if (!(a.value() instanceof double[] v)) {
        throw bad(key, "must be a 1-d array of numbers, got " + kind(a));
      }
      return v;
    }

    private double[][] matrix(String key) throws IOException {
      NpyReader.NpyArray a = array(key);
      if (!(a.value() instanceof double[][] v)) {
        throw bad(key, "must be a 2-d array of numbers, got " + kind(a));
      }
      return v;
    }

    private static String kind(NpyReader.NpyArray a) {
      Object v = a.value();
      String type =
          v instanceof double[] || v instanceof double[][] || v instanceof Number
              ? "numbers"
              : v instanceof String ? "a string" : "objects";
      return type + " of shape " + a.shapeText();
    }

    private NpyReader.NpyArray array(String key) throws IOException {
      ZipArchiveReader.Entry e = byKey.get(key);
      if (e == null) {
        throw new StateLoadException(source + ": missing entry '" + key + ".npy'");
      }
      try (InputStream in = zip.open(e)) {
        return NpyReader.read(in, e.size(), where(key), budget);
      }
    }

    private String where(String key) {
      return source + ": entry '" + byKey.get(key).name() + "'";
    }

    private StateLoadException bad(String key, String what) {
      return new StateLoadException(where(key) + " " + what);
    }
  }
}
