package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.testing.Python;

class PickledNpzTest {
  @TempDir Path dir;

  /** Pickle opcodes of a protocol-2 0-d object array whose one element the given ops push. */
  static byte[] objectArrayPickle(byte[] element) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) 0x80, 2});
    b.writeBytes(ascii("cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\0"));
    b.writeBytes(new byte[] {(byte) 0x85, 'C', 1, 'b', (byte) 0x87, 'R'});
    b.writeBytes(ascii("(K\1)cnumpy\ndtype\n"));
    b.writeBytes(new byte[] {(byte) 0x8c, 2, 'O', '8', (byte) 0x89, (byte) 0x88, (byte) 0x87});
    b.writeBytes(ascii("R)b"));
    b.writeBytes(new byte[] {(byte) 0x89, ']'});
    b.writeBytes(element);
    b.writeBytes(ascii("atb."));
    return b.toByteArray();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private Path stateFile(byte[] pickle) throws IOException {
    byte[] npy = NpzTesting.npy("{'descr': '|O', 'fortran_order': False, 'shape': (), }", pickle);
    return NpzTesting.file(dir, NpzTesting.zip(false, Map.of("state.npy", npy)));
  }

  @Test
  void read_handMadeObjectArrayOfDict_givesTheDict() throws IOException {
    byte[] element =
        concat(
            ascii("}("),
            str("version"),
            ascii("K\7"),
            str("x"),
            ascii("]("),
            ascii("G?\u00f8\0\0\0\0\0\0"),
            ascii("K\2e"),
            str("big"),
            new byte[] {(byte) 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1},
            ascii("u"));

    Map<String, Object> map = NpzTesting.read(stateFile(objectArrayPickle(element)));

    assertThat(map.get("version")).isEqualTo(7L);
    assertThat((double[]) map.get("x")).containsExactly(1.5, 2.0);
    assertThat(map.get("big")).isEqualTo(BigInteger.ONE.shiftLeft(64));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "builtins\neval",
        "__builtin__\neval",
        "os\nsystem",
        "posix\nsystem",
        "numpy\nload",
        "collections\nOrderedDict",
        "builtins\ngetattr",
        "copyreg\n_reconstructor",
        "numpy.core.multiarray\nscalar",
        "subprocess\nPopen",
        "builtins\nbytes",
        "_codecs\ndecode",
        "numpy\nndarray.__new__",
        "numpy.core.multiarray\n_reconstruct "
      })
  void read_pickleNamingAnotherGlobal_throwsWithPickle(String global) throws IOException {
    byte[] element = concat(ascii("c" + global + "\n"), ascii(")R"));
    Path file = stateFile(objectArrayPickle(element));

    assertThatThrownBy(() -> NpzTesting.read(file))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle")
        .hasMessageContaining("is not allowed");
  }

  @Test
  void read_stackGlobalOfOsSystem_throwsWithPickle() throws IOException {
    byte[] element =
        concat(
            new byte[] {(byte) 0x8c, 2},
            ascii("os"),
            new byte[] {(byte) 0x8c, 6},
            ascii("system"),
            new byte[] {(byte) 0x93});
    Path file = stateFile(objectArrayPickle(element));

    assertThatThrownBy(() -> NpzTesting.read(file))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle")
        .hasMessageContaining("'os.system' is not allowed");
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        'i', 'o', 0x81, 0x92, 0x82, 'P', 'Q', 0x8f, 0x91, 0x96, 0x97, 'S', 'I', 'F', 'V', 'L', 'g',
        'p'
      })
  void read_opcodeOutsideTheAllowList_throwsWithPickle(int opcode) throws IOException {
    Path file = stateFile(objectArrayPickle(new byte[] {(byte) opcode, '0', '\n'}));

    assertThatThrownBy(() -> NpzTesting.read(file))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle");
  }

  @Test
  void read_reduceOfDtypeOtherThanObject_throwsWithPickle() throws IOException {
    byte[] pickle = objectArrayPickle(ascii("N"));
    String text =
        new String(pickle, StandardCharsets.ISO_8859_1).replace("\u008c\u0002O8", "\u008c\u0002f8");
    Path file = stateFile(ascii(text));

    assertThatThrownBy(() -> NpzTesting.read(file))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle")
        .hasMessageContaining("only object arrays");
  }

  @ParameterizedTest
  @CsvSource({"50000, nests deeper than", "100000, stack deeper than"})
  void read_deeplyNestedLists_throwsStateLoadExceptionNotStackOverflow(int depth, String message)
      throws IOException {
    byte[] element = new byte[2 * depth + 1];
    Arrays.fill(element, 0, depth, (byte) '(');
    element[depth] = ']';
    Arrays.fill(element, depth + 1, element.length, (byte) 'l');
    Path file = stateFile(objectArrayPickle(element));

    assertThatThrownBy(() -> NpzTesting.read(file))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle")
        .hasMessageContaining(message);
  }

  @Test
  void read_selfContainingList_throwsStateLoadException() throws IOException {
    Path file = stateFile(objectArrayPickle(ascii("]q\u0001h\u0001a")));

    assertThatThrownBy(() -> NpzTesting.read(file))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle");
  }

  @Test
  void read_stringLongerThanTheEntry_isRefusedBeforeAllocating() throws IOException {
    Path file = stateFile(objectArrayPickle(new byte[] {'X', -1, -1, -1, 0x7f}));

    assertThatThrownBy(() -> NpzTesting.read(file))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle")
        .hasMessageContaining("exceeds");
  }

  @Test
  void read_pythonPickleWhoseReduceRunsACommand_isRefusedAndRunsNothing() throws IOException {
    Path marker = dir.resolve("MARKER");
    Python.run(
        "pickle_hostile.py", dir.toAbsolutePath().toString(), marker.toAbsolutePath().toString());

    assertThatThrownBy(() -> NpzTesting.read(dir.resolve("evil-reduce.npz")))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle")
        .hasMessageContaining("posix.system");
    assertThatThrownBy(() -> NpzTesting.read(dir.resolve("evil-in-dict.npz")))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle");
    assertThat(marker).doesNotExist();
    // the file is truly hostile: Python's own loader runs the command
    Python.run("npz_load_pickled.py", dir.resolve("evil-reduce.npz").toAbsolutePath().toString());
    assertThat(marker).exists();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ordered-dict.npz",
        "numpy-load.npz",
        "builtins-eval.npz",
        "numpy-scalar.npz",
        "float-array.npz",
        "set.npz"
      })
  void read_pythonPickleOfValueOutsideTheAllowList_throwsWithPickle(String name)
      throws IOException {
    Python.run(
        "pickle_hostile.py",
        dir.toAbsolutePath().toString(),
        dir.resolve("MARKER").toAbsolutePath().toString());

    assertThatThrownBy(() -> NpzTesting.read(dir.resolve(name)))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("pickle");
    assertThat(Files.exists(dir.resolve("MARKER"))).isFalse();
  }

  private static byte[] str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return concat(new byte[] {(byte) 0x8c, (byte) b.length}, b);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
