package dev.tollgate.paging;

import java.util.List;

/** One page of a list endpoint; {@code nextCursor} is opaque and null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
}
