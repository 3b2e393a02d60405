package dev.tollgate.mcp;

import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.util.List;

/** The MCP protocol revisions Tollgate speaks and the rules that differ between them. */
public final class McpProtocol {
    /** Newest first; {@code initialize} answers the client's version if it is here, else the first. */
    public static final List<String> SUPPORTED_VERSIONS = List.of(
            ProtocolVersions.MCP_2025_11_25, ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_03_26);
    public static final String LATEST = SUPPORTED_VERSIONS.get(0);

    /**
     * The version of a request without an {@code MCP-Protocol-Version} header: the Streamable HTTP transport's
     * backwards-compatibility rule says a server SHOULD assume 2025-03-26 (the header did not exist before 2025-06-18).
     */
    public static final String ASSUMED_WITHOUT_HEADER = ProtocolVersions.MCP_2025_03_26;

    public static final String VERSION_HEADER = HttpHeaders.PROTOCOL_VERSION;

    private McpProtocol() {
    }

    public static boolean supports(String version) {
        return version != null && SUPPORTED_VERSIONS.contains(version);
    }

    /** The version {@code initialize} answers: the client's if supported, else the newest (the client may disconnect). */
    public static String negotiate(String requested) {
        return supports(requested) ? requested : LATEST;
    }

    /** JSON-RPC batches were added in 2025-03-26 and removed again in 2025-06-18. */
    public static boolean allowsBatches(String version) {
        return ProtocolVersions.MCP_2025_03_26.equals(version);
    }
}
