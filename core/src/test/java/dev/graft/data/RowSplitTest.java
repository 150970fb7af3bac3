package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RowSplitTest {
  @Test
  void splitsAndShufflesDeterministically() {
    RowSplit a = RowSplit.of(100, 0.2, 7);
    RowSplit b = RowSplit.of(100, 0.2, 7);
    assertArrayEquals(a.train(), b.train());
    assertEquals(80, a.train().length);
    assertEquals(20, a.heldOut().length);
    int[] all = IntStream.concat(Arrays.stream(a.train()), Arrays.stream(a.heldOut()))
        .sorted().toArray();
    assertArrayEquals(IntStream.range(0, 100).toArray(), all);
    List<int[]> batches = RowSplit.miniBatches(a.train(), 32, 7, 0);
    assertEquals(3, batches.size());
    assertEquals(16, batches.get(2).length);
  }

  @Test
  void holdsOutOneRowWhenTheFractionRoundsToNone() {
    assertEquals(1, RowSplit.of(3, 0.1, 1).heldOut().length);
  }
}
