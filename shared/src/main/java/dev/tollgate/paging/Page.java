package dev.tollgate.paging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One page of a list endpoint; {@code nextCursor} is opaque and null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {

    /** The wire shape of every list endpoint: {@code {"data": [...], "next_cursor": ...}}. */
    public Map<String, Object> view(Function<? super T, ?> item) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("data", items.stream().map(item).toList());
        view.put("next_cursor", nextCursor);
        return view;
    }
}
