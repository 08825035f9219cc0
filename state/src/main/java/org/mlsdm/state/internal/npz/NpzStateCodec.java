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
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
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
 * qilm.phases                  &lt;f8     (n,)     all phases numbers (exactly as before labels)
 * qilm.phases                  &lt;U m    (n,)     all phases labels, m the longest (at least 1)
 * qilm.phases                  &lt;f8     (n,)     mixed numbers and labels: the numbers, 0.0 where
 * qilm.phase_labels            &lt;U m    (n,)       a label stands; the labels, "" where a
 * qilm.phase_is_label          |b1     (n,)       number stands; True where the phase is a label
 *
 * read also: state                     0-d object array: the Python store's pickled dict,
 *                                      returned as its state map
 *            format_version, memory_state, qilm   the Python MemoryManager (schema version 0):
 *                                      a 0-d integer and two 1-element (or 0-d) object arrays
 *                                      of dicts, returned as a map of those three keys and no
 *                                      version
 * </pre>
 *
 * Labelled phases ({@link org.mlsdm.state.Phase}) use only native dtypes, so {@code
 * numpy.load(path, allow_pickle=False)} still reads every entry, and a mixed list round-trips
 * exactly: the mask says which kind each phase is, and the two value arrays hold a neutral value
 * (0.0, "") where the other kind stands, which the reader checks.
 *
 * <p>A reader picks the layout by its entries: {@code version} first, then {@code state}, then
 * {@code memory_state} or {@code qilm}. Entry names are compared without {@code .npy}, so a name
 * and the same name plus {@code .npy} are duplicates. Reading goes through {@link ZipArchiveReader}
 * (limits against zip bombs), {@link NpyReader} (strict headers, shapes checked against entry
 * sizes) and {@link RestrictedUnpickler} (an allow-list, nothing executed). Unknown entries are
 * ignored.
 */
public final class NpzStateCodec implements StateCodec {
  /** The one instance; the codec is stateless. */
  public static final NpzStateCodec INSTANCE = new NpzStateCodec();

  private static final String[] PARAMETERS = {
    "lambda_l1", "lambda_l2", "lambda_l3", "theta_l1", "theta_l2", "gating12", "gating23"
  };
  private static final String[] LEVELS = {"state_l1", "state_l2", "state_l3"};

  /** The longest label NPZ carries: {@link NpyHeader} accepts no wider unicode dtype. */
  static final int MAX_LABEL_LENGTH = NpyHeader.MAX_HEADER_LENGTH;

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
    addPhases(entries, Records.access().phases(q), Records.access().labels(q));
    ZipArchiveWriter.write(entries, out);
  }

  /** The phases as the class comment's table lays them out; all numbers as before labels. */
  private static void addPhases(
      List<ZipArchiveWriter.Entry> entries, double[] numbers, String[] labels) {
    if (labels == null) {
      add(entries, "qilm.phases", NpyWriter.vector(numbers));
      return;
    }
    boolean[] isLabel = new boolean[labels.length];
    String[] text = new String[labels.length];
    boolean allLabels = true;
    for (int i = 0; i < labels.length; i++) {
      isLabel[i] = labels[i] != null;
      text[i] = isLabel[i] ? labels[i] : "";
      allLabels &= isLabel[i];
      if (isLabel[i] && labels[i].codePointCount(0, labels[i].length()) > MAX_LABEL_LENGTH) {
        throw new StateValidationException(
            "phases",
            "phases["
                + i
                + "] label must be at most "
                + MAX_LABEL_LENGTH
                + " code points in NPZ, got "
                + labels[i].codePointCount(0, labels[i].length()));
      }
    }
    if (allLabels) {
      add(entries, "qilm.phases", NpyWriter.unicodeVector(text));
    } else {
      add(entries, "qilm.phases", NpyWriter.vector(numbers));
      add(entries, "qilm.phase_labels", NpyWriter.unicodeVector(text));
      add(entries, "qilm.phase_is_label", NpyWriter.booleans(isLabel));
    }
  }

  private static void add(List<ZipArchiveWriter.Entry> entries, String key, NpyWriter data) {
    entries.add(new ZipArchiveWriter.Entry(key + ".npy", data));
  }

  @Override
  public Map<String, Object> read(SeekableByteChannel in, String source) throws IOException {
    ZipArchiveReader zip = ZipArchiveReader.open(in, source);
    Map<String, ZipArchiveReader.Entry> byKey = new LinkedHashMap<>();
    for (ZipArchiveReader.Entry e : zip.entries()) {
      String key =
          e.name().endsWith(".npy") ? e.name().substring(0, e.name().length() - 4) : e.name();
      if (byKey.putIfAbsent(key, e) != null) {
        throw new StateLoadException(
            source + ": duplicate entry '" + key + "' (again as '" + e.name() + "')");
      }
    }
    Entries entries = new Entries(zip, byKey, source);
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

    Entries(ZipArchiveReader zip, Map<String, ZipArchiveReader.Entry> byKey, String source) {
      this.zip = zip;
      this.byKey = byKey;
      this.source = source;
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
      q.put("phases", phases());
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
      Object converted = RestrictedUnpickler.stateValue(value, where(key));
      if (!(converted instanceof Map<?, ?>)) {
        throw bad(key, "must hold a pickled dict for '" + field + "'");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) converted;
      return map;
    }

    /**
     * The phases: a {@code double[]} when all are numbers, otherwise a list of {@link Double}s and
     * {@link String}s, from one of the three layouts of the class comment.
     */
    private Object phases() throws IOException {
      NpyReader.NpyArray a = array("qilm.phases");
      boolean mixed = byKey.containsKey("qilm.phase_is_label");
      if (mixed != byKey.containsKey("qilm.phase_labels")) {
        throw new StateLoadException(
            source
                + ": entries 'qilm.phase_labels.npy' and 'qilm.phase_is_label.npy'"
                + " must be present together");
      }
      if (a.value() instanceof String[] labels) {
        if (mixed) {
          throw bad("qilm.phases", "holds labels, so 'qilm.phase_labels.npy' must be absent");
        }
        return new ArrayList<Object>(Arrays.asList(labels));
      }
      double[] numbers = vector("qilm.phases");
      if (!mixed) {
        return numbers;
      }
      if (!(array("qilm.phase_labels").value() instanceof String[] labels)) {
        throw bad("qilm.phase_labels", "must be a 1-d unicode array");
      }
      double[] isLabel = vector("qilm.phase_is_label");
      if (labels.length != numbers.length || isLabel.length != numbers.length) {
        throw bad(
            "qilm.phase_is_label",
            "and 'qilm.phase_labels.npy' must have one entry per phase ("
                + numbers.length
                + "), got "
                + isLabel.length
                + " and "
                + labels.length);
      }
      List<Object> out = new ArrayList<>(numbers.length);
      for (int i = 0; i < numbers.length; i++) {
        if (isLabel[i] == 1) {
          out.add(labels[i]);
        } else if (isLabel[i] == 0 && labels[i].isEmpty()) {
          out.add(numbers[i]);
        } else {
          throw bad(
              "qilm.phase_is_label",
              "entry "
                  + i
                  + " must be True, or False with an empty label, got "
                  + isLabel[i]
                  + " and '"
                  + labels[i]
                  + "'");
        }
      }
      return out;
    }

    private double[][] ragged() throws IOException {
      double[] flat = vector("qilm.memory_flat");
      double[] lengths = vector("qilm.memory_lengths");
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
        return NpyReader.read(in, e.size(), where(key));
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
