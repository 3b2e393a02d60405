package dev.tollgate.execution;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which addresses a customer-supplied upstream URL (an Ollama base URL) may reach (SPEC 7.4). Everything that is not
 * a public unicast address is refused: loopback, "this network", private ranges, CGNAT, link-local (including the
 * cloud metadata address 169.254.169.254), documentation and benchmark ranges, multicast, reserved, and the IPv6
 * equivalents as well as IPv6 forms that embed an IPv4 address (IPv4-mapped, NAT64, 6to4), which are judged by the
 * embedded address. IPv6 is allowed only inside global unicast 2000::/3, and there not in 2001::/23 (IETF protocol
 * assignments: Teredo, whose embedded address is obfuscated, benchmarking, ORCHID), 2001:db8::/32 or 3fff::/20
 * (documentation). The deprecated IPv4-compatible {@code ::a.b.c.d} and local-use NAT64 64:ff9b:1::/48 are refused
 * outright.
 *
 * <p>Host spellings are normalised the way C resolvers ({@code inet_aton}) read them, so {@code 2130706433},
 * {@code 0x7f.1} and {@code 017700000001} are all 127.0.0.1 and refused as such; a host that looks numeric but is
 * not a valid address is refused rather than handed to DNS.
 */
public final class AddressPolicy {
    /** A dot-separated part that reads as a number in some base; "08" is one (an invalid octal) and is refused. */
    private static final Pattern NUMERIC_PART = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");
    private static final Pattern NUMERIC_LOOKING = Pattern.compile("[0-9a-fA-FxX.]+");

    private AddressPolicy() {
    }

    /** Lower case, without IPv6 brackets and without a trailing dot. */
    public static String normaliseHost(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /**
     * The address a host names literally (IPv6 or any inet_aton spelling of IPv4), without any DNS lookup.
     *
     * @throws UnknownHostException if the host is numeric-looking but not a valid address
     */
    public static Optional<InetAddress> literal(String normalisedHost) throws UnknownHostException {
        String h = normalisedHost;
        if (h.indexOf(':') >= 0) {
            if (!h.matches("[0-9a-z:.%]+")) {
                throw new UnknownHostException("not an IPv6 address");
            }
            // A string with a colon is parsed as an IPv6 literal by InetAddress, never looked up.
            return Optional.of(InetAddress.getByName(h));
        }
        if (!NUMERIC_LOOKING.matcher(h).matches() || !looksLikeIpv4(h)) {
            return Optional.empty();
        }
        return Optional.of(parseIpv4(h));
    }

    /** Every dot-separated part is a decimal, octal (0…) or hex (0x…) number: the host is an IPv4 literal. */
    private static boolean looksLikeIpv4(String h) {
        return allNumeric(h.split("\\.", -1));
    }

    private static boolean allNumeric(String[] parts) {
        for (String p : parts) {
            if (p.isEmpty() || !NUMERIC_PART.matcher(p).matches()) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress parseIpv4(String h) throws UnknownHostException {
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) {
            throw new UnknownHostException("not an IPv4 address");
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parsePart(parts[i]);
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xff) {
                throw new UnknownHostException("not an IPv4 address");
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        long room = (1L << (8 * (4 - (parts.length - 1)))) - 1;
        if (last > room) {
            throw new UnknownHostException("not an IPv4 address");
        }
        address |= last;
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        return InetAddress.getByAddress(bytes);
    }

    private static long parsePart(String p) throws UnknownHostException {
        try {
            long v;
            if (p.startsWith("0x") || p.startsWith("0X")) {
                v = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
            } else if (p.length() > 1 && p.startsWith("0")) {
                v = Long.parseLong(p.substring(1), 8);
            } else {
                v = Long.parseLong(p);
            }
            if (v < 0 || v > 0xffffffffL) {
                throw new UnknownHostException("not an IPv4 address");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UnknownHostException("not an IPv4 address");
        }
    }

    /** Whether a connection to {@code address} must be refused for a customer-supplied URL. */
    public static boolean isForbidden(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isForbiddenIpv4(b, 0);
        }
        if (!(address instanceof Inet6Address) || b.length != 16) {
            return true;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return isForbiddenIpv4(b, 12); // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (allZero(b, 0, 12)) {
            return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
        }
        if (first == 0x00 && second == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            if (allZero(b, 4, 12)) {
                return isForbiddenIpv4(b, 12); // 64:ff9b::/96 NAT64 well-known prefix
            }
            return true; // 64:ff9b:1::/48 local-use NAT64
        }
        if ((first & 0xe0) != 0x20) {
            // Outside 2000::/3, the only global unicast block: unique local fc00::/7, link-local fe80::/10,
            // site-local fec0::/10, multicast ff00::/8, discard-only 100::/64, SRv6 SIDs 5f00::/16, SIIT
            // ::ffff:0:0:0/96, and everything IANA has not assigned.
            return true;
        }
        if (first == 0x20 && second == 0x01) {
            int third = b[2] & 0xff;
            if ((third & 0xfe) == 0x00) {
                return true; // 2001::/23 IETF protocol assignments: Teredo, benchmarking, ORCHID, AMT, ...
            }
            if (third == 0x0d && (b[3] & 0xff) == 0xb8) {
                return true; // 2001:db8::/32 documentation
            }
        }
        if (first == 0x20 && second == 0x02) {
            return isForbiddenIpv4(b, 2); // 2002::/16 6to4 embeds an IPv4 address
        }
        return first == 0x3f && second == 0xff && (b[2] & 0xf0) == 0x00; // 3fff::/20 documentation
    }

    private static boolean isForbiddenIpv4(byte[] b, int offset) {
        int a = b[offset] & 0xff;
        int c = b[offset + 1] & 0xff;
        int d = b[offset + 2] & 0xff;
        return a == 0                                   // 0.0.0.0/8 "this network", unspecified
                || a == 10                              // 10/8 private
                || (a == 100 && (c & 0xc0) == 64)       // 100.64/10 CGNAT
                || a == 127                             // loopback
                || (a == 169 && c == 254)               // link-local, incl. 169.254.169.254 metadata
                || (a == 172 && (c & 0xf0) == 16)       // 172.16/12 private
                || (a == 192 && c == 0 && d == 0)       // 192.0.0/24 IETF protocol assignments
                || (a == 192 && c == 0 && d == 2)       // 192.0.2/24 documentation
                || (a == 192 && c == 88 && d == 99)     // 192.88.99/24 6to4 relay anycast
                || (a == 192 && c == 168)               // 192.168/16 private
                || (a == 198 && (c & 0xfe) == 18)       // 198.18/15 benchmarking
                || (a == 198 && c == 51 && d == 100)    // 198.51.100/24 documentation
                || (a == 203 && c == 0 && d == 113)     // 203.0.113/24 documentation
                || a >= 224;                            // multicast 224/4, reserved 240/4, broadcast
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
