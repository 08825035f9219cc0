package org.mlsdm.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The {@code --plot} image of {@code simulate}: the norms of L1, L2 and L3 over the steps, with the
 * sleep phases shaded, so consolidation shows at a glance. Drawn with Java2D, headless.
 */
final class NormPlot {
  static final int WIDTH = 960;
  static final int HEIGHT = 540;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 56;
  private static final int BOTTOM = 64;

  /** Colour-blind-safe (Okabe–Ito): orange, blue, bluish green. */
  static final Color[] LEVEL_COLORS = {
    new Color(0xE6, 0x9F, 0x00), new Color(0x00, 0x72, 0xB2), new Color(0x00, 0x9E, 0x73)
  };

  static final Color SLEEP_SHADE = new Color(0xE4, 0xE8, 0xF2);
  private static final String[] LABELS = {"L1 (fast)", "L2", "L3 (consolidated)"};

  private NormPlot() {}

  /**
   * Writes the plot.
   *
   * @param png the image file to write
   * @param firstStep the step of {@code norms[0]}
   * @param norms per step, the L1, L2 and L3 norms; not empty
   * @param subtitle what the run was, for the title
   */
  static void write(Path png, long firstStep, double[][] norms, String subtitle) {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      draw(g, firstStep, norms, subtitle);
    } finally {
      g.dispose();
    }
    try {
      if (!ImageIO.write(image, "png", png.toFile())) {
        throw new CliException(ExitCode.FAILURE, "no PNG writer available for " + png);
      }
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILURE, "cannot write the plot " + png + ": " + e.getMessage(), e);
    }
  }

  private static void draw(Graphics2D g, long firstStep, double[][] norms, String subtitle) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);

    long lastStep = firstStep + norms.length - 1;
    double xMin = firstStep;
    double xMax = Math.max(lastStep, firstStep + 1);
    double yMax = 0;
    for (double[] n : norms) {
      for (double v : n) {
        yMax = Math.max(yMax, v);
      }
    }
    double yStep = niceStep(yMax == 0 ? 1 : yMax, 6);
    yMax = Math.ceil((yMax == 0 ? 1 : yMax) / yStep) * yStep;
    Frame f = new Frame(xMin, xMax, yMax);

    shadeSleep(g, f, firstStep, lastStep);
    grid(g, f, yStep);
    for (int level = 2; level >= 0; level--) {
      line(g, f, firstStep, norms, level);
    }
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(1.2f));
    g.drawRect(LEFT, TOP, f.plotWidth(), f.plotHeight());

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
    g.setColor(Color.BLACK);
    g.drawString("Memory level norms per step", LEFT, 26);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Color.DARK_GRAY);
    g.drawString(subtitle + ", steps " + firstStep + "–" + lastStep + "; shaded: sleep", LEFT, 44);
    FontMetrics fm = g.getFontMetrics();
    String xLabel = "step";
    g.drawString(xLabel, LEFT + (f.plotWidth() - fm.stringWidth(xLabel)) / 2, HEIGHT - 18);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    String yLabel = "Euclidean norm";
    rotated.drawString(yLabel, -(TOP + (f.plotHeight() + fm.stringWidth(yLabel)) / 2), 20);
    rotated.dispose();
    legend(g);
  }

  /** Maps data to pixels inside the plot area. */
  private record Frame(double xMin, double xMax, double yMax) {
    int plotWidth() {
      return WIDTH - LEFT - RIGHT;
    }

    int plotHeight() {
      return HEIGHT - TOP - BOTTOM;
    }

    double x(double step) {
      return LEFT + (step - xMin) / (xMax - xMin) * plotWidth();
    }

    double y(double value) {
      return TOP + plotHeight() - value / yMax * plotHeight();
    }
  }

  private static void shadeSleep(Graphics2D g, Frame f, long firstStep, long lastStep) {
    g.setColor(SLEEP_SHADE);
    long step = firstStep;
    while (step <= lastStep) {
      if (Simulation.awake(step)) {
        step++;
        continue;
      }
      long end = step;
      while (end + 1 <= lastStep && !Simulation.awake(end + 1)) {
        end++;
      }
      double x0 = f.x(Math.max(f.xMin(), step - 0.5));
      double x1 = f.x(Math.min(f.xMax(), end + 0.5));
      g.fillRect((int) x0, TOP, Math.max(1, (int) Math.ceil(x1 - x0)), f.plotHeight());
      step = end + 1;
    }
  }

  private static void grid(Graphics2D g, Frame f, double yStep) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    g.setStroke(new BasicStroke(1f));
    for (double v = 0; v <= f.yMax() + yStep / 2; v += yStep) {
      int y = (int) Math.round(f.y(v));
      g.setColor(new Color(0xD0, 0xD0, 0xD0));
      g.drawLine(LEFT, y, LEFT + f.plotWidth(), y);
      g.setColor(Color.DARK_GRAY);
      String label = Levels.format(v);
      g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
    }
    double xStep = Math.max(1, niceStep(f.xMax() - f.xMin(), 8));
    for (double s = Math.ceil(f.xMin() / xStep) * xStep; s <= f.xMax(); s += xStep) {
      int x = (int) Math.round(f.x(s));
      g.setColor(Color.DARK_GRAY);
      g.drawLine(x, TOP + f.plotHeight(), x, TOP + f.plotHeight() + 5);
      String label = Long.toString((long) s);
      g.drawString(label, x - fm.stringWidth(label) / 2, TOP + f.plotHeight() + 8 + fm.getAscent());
    }
  }

  private static void line(Graphics2D g, Frame f, long firstStep, double[][] norms, int level) {
    Path2D.Double path = new Path2D.Double();
    for (int i = 0; i < norms.length; i++) {
      // Step numbers stay far below 2^53, where a double is exact.
      double x = f.x((double) (firstStep + i));
      double y = f.y(norms[i][level]);
      if (i == 0) {
        path.moveTo(x, y);
      } else {
        path.lineTo(x, y);
      }
    }
    g.setColor(LEVEL_COLORS[level]);
    g.setStroke(
        new BasicStroke(level == 0 ? 1.2f : 2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(path);
  }

  private static void legend(Graphics2D g) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int width = 0;
    for (String label : LABELS) {
      width = Math.max(width, fm.stringWidth(label));
    }
    int boxWidth = width + 50;
    int boxHeight = LABELS.length * 20 + 10;
    int x = WIDTH - RIGHT - boxWidth - 10;
    int y = TOP + 10;
    g.setColor(new Color(255, 255, 255, 230));
    g.fillRect(x, y, boxWidth, boxHeight);
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, boxWidth, boxHeight);
    for (int i = 0; i < LABELS.length; i++) {
      int rowY = y + 18 + i * 20;
      g.setColor(LEVEL_COLORS[i]);
      g.setStroke(new BasicStroke(3f));
      g.drawLine(x + 10, rowY - 4, x + 34, rowY - 4);
      g.setColor(Color.BLACK);
      g.drawString(LABELS[i], x + 42, rowY);
    }
  }

  /** A round tick spacing (1, 2 or 5 times a power of ten) giving about {@code ticks} ticks. */
  static double niceStep(double range, int ticks) {
    double raw = range / ticks;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / magnitude;
    double nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
    return nice * magnitude;
  }
}
