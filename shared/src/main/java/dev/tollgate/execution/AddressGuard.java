package dev.tollgate.execution;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The SSRF guard for customer-supplied hosts (SPEC 7.4), independent of any HTTP library: it normalises the host
 * spelling, resolves it, and refuses the whole host if any address is forbidden by {@link AddressPolicy} (a name
 * that resolves to one public and one private address is a rebinding attempt). An HTTP client uses it as its name
 * resolver and connects to exactly the addresses returned, so the check cannot be raced by a second DNS answer.
 */
public final class AddressGuard {

    /** Thrown instead of connecting; mapped to {@code 400 upstream_address_forbidden}. */
    public static final class ForbiddenAddressException extends UnknownHostException {
        ForbiddenAddressException(String message) {
            super(message);
        }
    }

    /** How names are looked up; a seam for tests. */
    public interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Lookup lookup;

    public AddressGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    public AddressGuard(boolean allowPrivate, Lookup lookup) {
        this.allowPrivate = allowPrivate;
        this.lookup = lookup;
    }

    /** The addresses to connect to for {@code host}. */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String normalised = AddressPolicy.normaliseHost(host);
        Optional<InetAddress> literal;
        try {
            literal = AddressPolicy.literal(normalised);
        } catch (UnknownHostException malformed) {
            // A numeric-looking host that is no valid address is refused, never handed to DNS to guess at.
            throw new ForbiddenAddressException("upstream host is not a valid address");
        }
        InetAddress[] addresses = literal.isPresent() ? new InetAddress[] {literal.get()} : lookup.all(normalised);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException("no address for upstream host");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                if (AddressPolicy.isForbidden(address)) {
                    throw new ForbiddenAddressException("upstream host resolves to a forbidden address");
                }
            }
        }
        return addresses;
    }
}
