package org.mlsdm.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.mlsdm.state.SystemStateRecord;
import org.mlsdm.state.SystemStates;
import picocli.CommandLine;

/** Runs the tool in-process, as {@code Main} does but with captured output and no terminal. */
final class Cli {
  private Cli() {}

  /** One run: exit code, stdout, stderr. */
  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Run run(Object... args) {
    return run(cmd -> {}, args);
  }

  /** Runs with a chance to reach the command objects first (e.g. simulate's stop request). */
  static Run run(Consumer<CommandLine> configure, Object... args) {
    CommandLine cmd = Main.commandLine(new StateTool(false));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    configure.accept(cmd);
    String[] strings = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      strings[i] = args[i].toString();
    }
    int code = Main.execute(cmd, strings);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * Copies a file the Python system wrote (and its checksum and backup, if any) into {@code dir}.
   */
  static Path pythonFile(Path dir, String name) {
    Path target = dir.resolve(name);
    for (String suffix : new String[] {"", ".checksum", ".backup"}) {
      try (InputStream in = Cli.class.getResourceAsStream("/python-written/" + name + suffix)) {
        if (in != null) {
          Files.copy(in, dir.resolve(name + suffix));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return target;
  }

  /** Saves an empty state with an id. */
  static SystemStateRecord saved(Path file, int dimension, String id) {
    return SystemStates.save(SystemStates.createEmpty(dimension).withId(id), file);
  }

  /** A JSON state file's text, version 1 layout, with the given version and lambda_l1 values. */
  static String stateJson(int version, double lambdaL1) {
    return "{\"version\": "
        + version
        + ", \"id\": null,"
        + " \"created_at\": \"2026-11-26T10:00:00Z\", \"updated_at\": \"2026-11-26T10:00:00Z\","
        + " \"memory_state\": {\"dimension\": 2, \"lambda_l1\": "
        + lambdaL1
        + ","
        + " \"lambda_l2\": 0.1, \"lambda_l3\": 0.01, \"theta_l1\": 1.0, \"theta_l2\": 2.0,"
        + " \"gating12\": 0.5, \"gating23\": 0.3, \"state_l1\": [0.0, 1.0],"
        + " \"state_l2\": [0.0, 0.0], \"state_l3\": [0.0, 0.0]},"
        + " \"qilm\": {\"memory\": [[1.0, 2.0]], \"phases\": [0.5]}}";
  }

  /** Parses a JSON document into maps, lists, strings, numbers, booleans and nulls. */
  static Object json(String text) {
    try (JsonParser p = new JsonFactory().createParser(text)) {
      p.nextToken();
      Object value = jsonValue(p);
      if (p.nextToken() != null) {
        throw new AssertionError("trailing content after the JSON value: " + text);
      }
      return value;
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  /** A JSON object, as parsed by {@link #json}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object json) {
    if (!(json instanceof Map)) {
      throw new AssertionError("not a JSON object: " + json);
    }
    return (Map<String, Object>) json;
  }

  private static Object jsonValue(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String key = p.currentName();
          p.nextToken();
          map.put(key, jsonValue(p));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(jsonValue(p));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getNumberValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return p.getBooleanValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new AssertionError("unexpected JSON token " + p.currentToken());
    }
  }

  /** Flips one byte in the middle of a file, leaving its checksum file stale. */
  static void flipByte(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 0x20;
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
