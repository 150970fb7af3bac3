package dev.graft.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the committed fixtures (models, data) at the repository root, from any module. */
public final class Fixtures {
  private Fixtures() {}

  public static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (Files.isDirectory(p.resolve("fixtures")) && Files.exists(p.resolve("pom.xml"))) {
        return p.resolve("fixtures");
      }
      p = p.getParent();
    }
    throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
  }

  public static Path model(String name) {
    return root().resolve("models").resolve(name);
  }

  public static Path thirdParty(String name) {
    return root().resolve("third_party").resolve(name);
  }

  public static Path digits(String name) {
    return root().resolve("digits").resolve(name);
  }
}
