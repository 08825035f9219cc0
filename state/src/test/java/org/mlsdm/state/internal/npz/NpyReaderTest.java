package org.mlsdm.state.internal.npz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlsdm.state.StateLoadException;
import org.mlsdm.state.internal.LoadBudget;

class NpyReaderTest {

  private static NpyReader.NpyArray read(byte[] npy) throws IOException {
    return NpyReader.read(
        new ByteArrayInputStream(npy), npy.length, "test.npy", LoadBudget.forFileSize(npy.length));
  }

  private static byte[] doubles(ByteOrder order, double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  private static String dict(String descr, boolean fortran, String shape) {
    return "{'descr': '"
        + descr
        + "', 'fortran_order': "
        + (fortran ? "True" : "False")
        + ", 'shape': "
        + shape
        + ", }";
  }

  @ParameterizedTest
  @ValueSource(strings = {"<f8", "=f8", ">f8"})
  void read_doubleVectorInEachByteOrder_givesValues(String descr) throws IOException {
    ByteOrder order =
        descr.startsWith(">")
            ? ByteOrder.BIG_ENDIAN
            : descr.startsWith("<") ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
    byte[] npy = NpzTesting.npy(dict(descr, false, "(3,)"), doubles(order, 1.5, -0.0, 1e-300));

    assertThat((double[]) read(npy).value()).containsExactly(1.5, -0.0, 1e-300);
  }

  @Test
  void read_oneByteTypesWithPipeOrder_givesValues() throws IOException {
    byte[] npy = NpzTesting.npy(dict("|u1", false, "(3,)"), new byte[] {0, 7, (byte) 255});

    assertThat((double[]) read(npy).value()).containsExactly(0, 7, 255);
  }

  @Test
  void read_pipeOrderForEightByteType_isRefused() {
    byte[] npy = NpzTesting.npy(dict("|f8", false, "(1,)"), new byte[8]);

    assertThatThrownBy(() -> read(npy))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("byte order");
  }

  @Test
  void read_floatAndIntKinds_convertToDoubles() throws IOException {
    ByteBuffer f =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-2f);
    ByteBuffer i = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(-3).putInt(4);

    assertThat((double[]) read(NpzTesting.npy(dict("<f4", false, "(2,)"), f.array())).value())
        .containsExactly(0.5, -2.0);
    assertThat((double[]) read(NpzTesting.npy(dict(">i4", false, "(2,)"), i.array())).value())
        .containsExactly(-3.0, 4.0);
  }

  @Test
  void read_scalars_giveLongDoubleAndString() throws IOException {
    byte[] i8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-42).array();
    byte[] u =
        ByteBuffer.allocate(12)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt('h')
            .putInt(0x1D11E)
            .putInt(0)
            .array();

    assertThat(read(NpzTesting.npy(dict("<i8", false, "()"), i8)).value()).isEqualTo(-42L);
    assertThat(
            read(NpzTesting.npy(dict(">f8", false, "()"), doubles(ByteOrder.BIG_ENDIAN, 0.1)))
                .value())
        .isEqualTo(0.1);
    assertThat(read(NpzTesting.npy(dict("<U3", false, "()"), u)).value())
        .isEqualTo("h\uD834\uDD1E");
    assertThat(
            read(NpzTesting.npy(
                    dict("|S4", false, "()"), "ab\0\0".getBytes(StandardCharsets.ISO_8859_1)))
                .value())
        .isEqualTo("ab");
  }

  @Test
  void read_headerWithDoubleQuotesOtherKeyOrderNoTrailingCommaAndLongDims_isAccepted()
      throws IOException {
    byte[] npy =
        NpzTesting.npy(
            "{\"shape\": (1L, 2L), \"fortran_order\": False, \"descr\": \"<f8\"}",
            doubles(ByteOrder.LITTLE_ENDIAN, 1, 2));

    assertThat((double[][]) read(npy).value()).isDeepEqualTo(new double[][] {{1, 2}});
  }

  @Test
  void read_fortranOrderMatrix_givesRowsInCOrder() throws IOException {
    byte[] npy =
        NpzTesting.npy(
            dict("<f8", true, "(2, 3)"), doubles(ByteOrder.LITTLE_ENDIAN, 1, 4, 2, 5, 3, 6));

    assertThat((double[][]) read(npy).value()).isDeepEqualTo(new double[][] {{1, 2, 3}, {4, 5, 6}});
  }

  @Test
  void read_versions2And3_areAccepted() throws IOException {
    for (int version = 2; version <= 3; version++) {
      String text = dict("<f8", false, "(1,)") + " ".repeat(50) + "\n";
      ByteBuffer b = ByteBuffer.allocate(12 + text.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
      b.put(NpyHeader.MAGIC).put((byte) version).put((byte) 0).putInt(text.length());
      b.put(text.getBytes(StandardCharsets.US_ASCII)).putDouble(2.5);

      assertThat((double[]) read(b.array()).value()).containsExactly(2.5);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "structured dtype|{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }|structured",
        "unknown key|{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1, }|unexpected key",
        "missing key|{'descr': '<f8', 'shape': (1,), }|fortran_order",
        "duplicate key|{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}|duplicate",
        "evaluator bait|{'descr': __import__('os').system('x'), 'fortran_order': False, 'shape': ()}|quoted string",
        "negative dim|{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }|non-negative",
        "no tuple comma|{'descr': '<f8', 'fortran_order': False, 'shape': (1), }|trailing comma",
        "three dims|{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }|3 dimensions",
        "complex dtype|{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }|dtype",
        "datetime dtype|{'descr': '<M8[s]', 'fortran_order': False, 'shape': (1,), }|dtype",
        "not a dict|[1, 2]|expected '{'",
        "text after dict|{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } x|after the dict",
      })
  void read_badHeader_throwsStateLoadException(String name, String header, String message) {
    byte[] npy = NpzTesting.npy(header, new byte[8]);

    assertThatThrownBy(() -> read(npy))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("test.npy")
        .hasMessageContaining(message);
  }

  @Test
  void read_headerLongerThanNumpysCap_isRefusedBeforeReadingIt() {
    byte[] npy = NpzTesting.npy(dict("<f8", false, "(1,)") + " ".repeat(10_100), new byte[8]);

    assertThatThrownBy(() -> read(npy))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("header length");
  }

  @Test
  void read_shapeLargerThanData_isRefusedBeforeAllocating() {
    byte[] npy = NpzTesting.npy(dict("<f8", false, "(1000000000,)"), new byte[24]);

    assertThatThrownBy(() -> read(npy))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("needs 8000000000 data bytes, the entry has 24");
  }

  @Test
  void read_shapeProductOverflow_isRefused() {
    byte[] npy =
        NpzTesting.npy(dict("<f8", false, "(4294967296, 4294967296, 4294967296)"), new byte[8]);

    assertThatThrownBy(() -> read(npy))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("overflows");
  }

  @Test
  void read_zeroWidthMatrixOfBillionsOfRows_isRefused() {
    byte[] npy = NpzTesting.npy(dict("<f8", false, "(2000000000, 0)"), new byte[0]);

    assertThatThrownBy(() -> read(npy))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("too many rows");
  }

  @ParameterizedTest
  @CsvSource({"4, 0", "1, 1", "0, 0"})
  void read_unsupportedVersion_isRefused(int major, int minor) {
    byte[] npy = NpzTesting.npy(dict("<f8", false, "(1,)"), new byte[8]);
    npy[6] = (byte) major;
    npy[7] = (byte) minor;

    assertThatThrownBy(() -> read(npy))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("unsupported npy version");
  }

  @Test
  void read_badMagic_isRefused() {
    byte[] npy = NpzTesting.npy(dict("<f8", false, "(1,)"), new byte[8]);
    npy[1] = 'X';

    assertThatThrownBy(() -> read(npy))
        .isInstanceOf(StateLoadException.class)
        .hasMessageContaining("magic");
  }

  @Test
  void encode_header_isAlignedAndParsesBack() {
    byte[] h = NpyHeader.encode("<f8", new long[] {3, 4});
    String text = new String(h, 10, h.length - 10, StandardCharsets.US_ASCII);
    NpyHeader parsed = NpyHeader.parse(text, "x");

    assertThat(h.length % 64).isZero();
    assertThat(text)
        .endsWith("\n")
        .startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }");
    assertThat(parsed.shape).containsExactly(3, 4);
    assertThat(Arrays.asList(parsed.kind, parsed.byteOrder)).containsExactly('f', '<');
  }
}
