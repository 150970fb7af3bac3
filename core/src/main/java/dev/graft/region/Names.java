package dev.graft.region;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/** Nearest valid names for "did you mean" suggestions, by edit distance. */
public final class Names {
  private Names() {}

  public static List<String> nearest(String wanted, List<String> candidates, int count) {
    return new LinkedHashSet<>(candidates).stream()
        .sorted(Comparator.comparingInt((String c) -> distance(wanted, c))
            .thenComparingInt(String::length))
        .limit(count)
        .toList();
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
