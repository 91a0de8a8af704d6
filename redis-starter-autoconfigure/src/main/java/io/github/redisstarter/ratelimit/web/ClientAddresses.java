package io.github.redisstarter.ratelimit.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The rate-limit key of a client address. An IPv4 address is itself. An IPv6 address
 * stands for its network prefix (a /64 unless told otherwise), written
 * {@code 2001:db8:1:2:0:0:0:0/64}: a client is usually handed a whole /64, and could
 * otherwise walk through 2^64 addresses, each with a fresh budget.
 */
final class ClientAddresses {

	private ClientAddresses() {
	}

	/**
	 * @param address the address the servlet container reports (a literal; never looked
	 * up)
	 * @param ipv6PrefixLength how many leading bits of an IPv6 address make the key (128:
	 * the whole address)
	 */
	static String key(String address, int ipv6PrefixLength) {
		if (address == null || address.indexOf(':') < 0 || ipv6PrefixLength >= 128) {
			return address;
		}
		String literal = address;
		int zone = literal.indexOf('%');
		if (zone >= 0) {
			literal = literal.substring(0, zone);
		}
		if (literal.startsWith("[") && literal.endsWith("]")) {
			literal = literal.substring(1, literal.length() - 1);
		}
		InetAddress parsed;
		try {
			// In brackets, the JDK takes it for an IPv6 literal: parsed, or refused,
			// never resolved.
			parsed = InetAddress.getByName("[" + literal + "]");
		}
		catch (UnknownHostException | SecurityException ex) {
			return address;
		}
		if (!(parsed instanceof Inet6Address)) {
			// An IPv4-mapped IPv6 address: the IPv4 address it carries.
			return parsed.getHostAddress();
		}
		byte[] bytes = parsed.getAddress();
		for (int bit = ipv6PrefixLength; bit < 128; bit++) {
			bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
		}
		StringBuilder key = new StringBuilder();
		for (int i = 0; i < 16; i += 2) {
			if (i > 0) {
				key.append(':');
			}
			key.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
		}
		return key.append('/').append(ipv6PrefixLength).toString();
	}

}
