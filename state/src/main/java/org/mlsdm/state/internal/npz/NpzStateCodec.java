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
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.StateValidationException;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.internal.LoadBudget;
import org.mlsdm.state.internal.Records;
import org.mlsdm.state.internal.schema.Decoded;
import org.mlsdm.state.internal.schema.DecodedState;
import org.mlsdm.state.internal.schema.Schema;
import org.mlsdm.state.internal.schema.Schema.Field;
import org.mlsdm.state.internal.schema.Schema.Group;
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
 * qilm.phases_labels           &lt;U m    (n,)       a label stands; the labels, "" where a
 * qilm.phases_is_label         |b1     (n,)       number stands; True where the phase is a label
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
 * ignored. One {@link LoadBudget} for the file's size is charged with every value the entries
 * decode to, and with the rows that {@code qilm.memory_lengths} cuts {@code qilm.memory_flat} into.
 */
public final class NpzStateCodec implements StateCodec {
  /** The one instance; the codec is stateless. */
  public static final NpzStateCodec INSTANCE = new NpzStateCodec();

  /** The suffixes of a ragged matrix's two entries: the values, and the length of each row. */
  private static final String FLAT = "_flat";

  private static final String LENGTHS = "_lengths";

  /** The suffixes of mixed phases' two extra entries: the labels, and which phase is one. */
  private static final String LABELS = "_labels";

  private static final String IS_LABEL = "_is_label";

  /** The longest label NPZ carries: {@link NpyHeader} accepts no wider unicode dtype. */
  static final int MAX_LABEL_LENGTH = NpyHeader.MAX_HEADER_LENGTH;

  private NpzStateCodec() {}

  @Override
  public void write(SystemStateRecord state, OutputStream out) throws IOException {
    List<ZipArchiveWriter.Entry> entries = new ArrayList<>();
    for (Field f : Field.current()) {
      Object v = f.value(state);
      switch (f.kind()) {
        case INT -> add(entries, f.path(), NpyWriter.int64(((Number) v).longValue()));
        case DOUBLE -> add(entries, f.path(), NpyWriter.float64(((Number) v).doubleValue()));
        case STRING, TIMESTAMP -> {
          if (v != null) {
            add(entries, f.path(), NpyWriter.unicode((String) v));
          }
        }
        case VECTOR -> add(entries, f.path(), NpyWriter.vector((double[]) v));
        case PHASES ->
            addPhases(entries, f.path(), (double[]) v, Records.access().labels(state.qilm()));
        case MATRIX -> addMatrix(entries, f, (double[][]) v);
      }
    }
    ZipArchiveWriter.write(entries, out);
  }

  /** One {@code (n, d)} entry when every row has the same length, else the flat pair. */
  /** The phases as the class comment's table lays them out; all numbers as before labels. */
  private static void addPhases(
      List<ZipArchiveWriter.Entry> entries, String key, double[] numbers, String[] labels) {
    if (labels == null) {
      add(entries, key, NpyWriter.vector(numbers));
      return;
    }
    boolean[] isLabel = new boolean[labels.length];
    String[] text = new String[labels.length];
    boolean allLabels = true;
    for (int i = 0; i < labels.length; i++) {
      isLabel[i] = labels[i] != null;
      text[i] = isLabel[i] ? labels[i] : "";
      allLabels &= isLabel[i];
      int length = text[i].codePointCount(0, text[i].length());
      if (length > MAX_LABEL_LENGTH) {
        throw new StateValidationException(
            "phases",
            "phases["
                + i
                + "] label must be at most "
                + MAX_LABEL_LENGTH
                + " code points in NPZ, got "
                + length);
      }
    }
    if (allLabels) {
      add(entries, key, NpyWriter.unicodeVector(text));
    } else {
      add(entries, key, NpyWriter.vector(numbers));
      add(entries, key + LABELS, NpyWriter.unicodeVector(text));
      add(entries, key + IS_LABEL, NpyWriter.booleans(isLabel));
    }
  }

  private static void addMatrix(List<ZipArchiveWriter.Entry> entries, Field f, double[][] rows) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    boolean rectangular = true;
    for (double[] row : rows) {
      rectangular &= row.length == width;
    }
    if (rectangular) {
      add(entries, f.path(), NpyWriter.matrix(rows, width));
    } else {
      add(entries, f.path() + FLAT, NpyWriter.concatenation(rows));
      add(entries, f.path() + LENGTHS, NpyWriter.lengths(rows));
    }
  }

  private static void add(List<ZipArchiveWriter.Entry> entries, String key, NpyWriter data) {
    entries.add(new ZipArchiveWriter.Entry(key + ".npy", data));
  }

  @Override
  public Decoded read(SeekableByteChannel in, String source) throws IOException {
    return read(in, source, LoadBudget.forFileSize(in.size()));
  }

  /** {@link #read(SeekableByteChannel, String)} charging a given budget, which tests inspect. */
  Decoded read(SeekableByteChannel in, String source, LoadBudget budget) throws IOException {
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
    if (byKey.containsKey(Field.VERSION.path())) {
      return entries.nativeLayout();
    }
    if (byKey.containsKey("state")) {
      return Decoded.raw(entries.pickledDict("state", "state"));
    }
    if (byKey.containsKey(Group.MEMORY_STATE.key()) || byKey.containsKey(Group.QILM.key())) {
      return Decoded.raw(entries.managerLayout());
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

    /**
     * The layout this library writes: typed when {@code version} is current, otherwise every entry
     * in the raw form, nested by the dots of its name.
     */
    Decoded nativeLayout() throws IOException {
      Object version = number(Field.VERSION.path());
      if (((Number) version).doubleValue() != Schema.CURRENT_VERSION) {
        return Decoded.raw(rawEntries());
      }
      DecodedState d = new DecodedState();
      for (Field f : Field.current()) {
        String key = f.path();
        switch (f.kind()) {
          case INT, DOUBLE -> d.putNumber(f, (Number) (f == Field.VERSION ? version : number(key)));
          case STRING -> d.putString(f, byKey.containsKey(key) ? string(key) : null);
          case TIMESTAMP -> d.putString(f, string(key));
          case VECTOR -> d.putVector(f, vector(key));
          case PHASES -> phases(d, f, key);
          case MATRIX -> {
            boolean flat = byKey.containsKey(key + FLAT);
            if (flat && byKey.containsKey(key)) {
              throw new StateLoadException(
                  source
                      + ": entries '"
                      + key
                      + ".npy' and '"
                      + key
                      + FLAT
                      + ".npy' must not both be present");
            }
            d.putMatrix(f, flat ? ragged(key) : matrix(key));
          }
        }
      }
      return Decoded.typed(d);
    }

    /** Every entry's value, nested by the dots of its key, for a migration to read. */
    private Map<String, Object> rawEntries() throws IOException {
      Map<String, Object> out = new LinkedHashMap<>();
      for (String key : byKey.keySet()) {
        NpyReader.NpyArray a = array(key);
        Object v = a.value();
        if (v instanceof Number n && !(n instanceof Double)) {
          v = n.longValue();
        } else if (v instanceof String[] strings) {
          v = new ArrayList<Object>(Arrays.asList(strings));
        }
        Map<String, Object> into = out;
        String[] parts = key.split("\\.", -1);
        for (int i = 0; i < parts.length - 1; i++) {
          Object inner = into.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
          if (!(inner instanceof Map<?, ?>)) {
            throw bad(key, "clashes with entry '" + parts[i] + ".npy'");
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> m = (Map<String, Object>) inner;
          into = m;
        }
        if (into.putIfAbsent(parts[parts.length - 1], v) != null) {
          throw bad(key, "clashes with another entry");
        }
      }
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

    private double[][] ragged(String key) throws IOException {
      double[] flat = vector(key + FLAT);
      double[] lengths = vector(key + LENGTHS);
      // Every row is a copy: the references, an array header per row and all the values.
      budget.charge(
          LoadBudget.array(lengths.length, LoadBudget.REFERENCE)
              + lengths.length * LoadBudget.array(0, Double.BYTES)
              + (long) flat.length * Double.BYTES,
          where(key + LENGTHS) + ": " + lengths.length + " rows");
      double[][] rows = new double[lengths.length][];
      int at = 0;
      for (int i = 0; i < rows.length; i++) {
        double n = lengths[i];
        if (n < 0 || n != Math.rint(n) || n > flat.length - at) {
          throw bad(
              key + LENGTHS,
              "length "
                  + n
                  + " at index "
                  + i
                  + " does not fit the "
                  + flat.length
                  + " values of '"
                  + key
                  + FLAT
                  + ".npy'");
        }
        rows[i] = Arrays.copyOfRange(flat, at, at + (int) n);
        at += (int) n;
      }
      if (at != flat.length) {
        throw bad(
            key + LENGTHS,
            "lengths add up to "
                + at
                + ", but '"
                + key
                + FLAT
                + ".npy'"
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

    /** The phases, from one of the three layouts of the class comment. */
    private void phases(DecodedState d, Field f, String key) throws IOException {
      NpyReader.NpyArray a = array(key);
      boolean mixed = byKey.containsKey(key + IS_LABEL);
      if (mixed != byKey.containsKey(key + LABELS)) {
        throw new StateLoadException(
            source
                + ": entries '"
                + key
                + LABELS
                + ".npy' and '"
                + key
                + IS_LABEL
                + ".npy' must be present together");
      }
      if (a.value() instanceof String[] labels) {
        if (mixed) {
          throw bad(key, "holds labels, so '" + key + LABELS + ".npy' must be absent");
        }
        d.putPhases(f, new double[labels.length], labels);
        return;
      }
      double[] numbers = vector(key, a);
      if (!mixed) {
        d.putVector(f, numbers);
        return;
      }
      if (!(array(key + LABELS).value() instanceof String[] labels)) {
        throw bad(key + LABELS, "must be a 1-d unicode array");
      }
      double[] isLabel = vector(key + IS_LABEL);
      if (labels.length != numbers.length || isLabel.length != numbers.length) {
        throw bad(
            key + IS_LABEL,
            "and '"
                + key
                + LABELS
                + ".npy' must have one entry per phase ("
                + numbers.length
                + "), got "
                + isLabel.length
                + " and "
                + labels.length);
      }
      for (int i = 0; i < numbers.length; i++) {
        if (isLabel[i] == 1) {
          continue;
        }
        if (isLabel[i] != 0 || !labels[i].isEmpty()) {
          throw bad(
              key + IS_LABEL,
              "entry "
                  + i
                  + " must be True, or False with an empty label, got "
                  + isLabel[i]
                  + " and '"
                  + labels[i]
                  + "'");
        }
        labels[i] = null;
      }
      d.putPhases(f, numbers, labels);
    }

    private double[] vector(String key) throws IOException {
      return vector(key, array(key));
    }

    /** The numbers of an entry already read, which is not read again. */
    private double[] vector(String key, NpyReader.NpyArray a) {
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
