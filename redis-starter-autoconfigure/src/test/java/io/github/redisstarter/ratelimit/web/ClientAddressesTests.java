package io.github.redisstarter.ratelimit.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key of a client address: IPv4 as it is, IPv6 by its prefix, never a name lookup.
 */
class ClientAddressesTests {

	@Test
	void ipv4IsItself() {
		assertThat(ClientAddresses.key("203.0.113.7", 64)).isEqualTo("203.0.113.7");
	}

	@Test
	void ipv6StandsForItsPrefixWhateverItsSpelling() {
		assertThat(ClientAddresses.key("2001:db8:1:2::1", 64)).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(ClientAddresses.key("2001:0db8:0001:0002:ffff:0:0:1", 64)).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(ClientAddresses.key("[2001:db8:1:2::1]", 64)).isEqualTo("2001:db8:1:2:0:0:0:0/64");
		assertThat(ClientAddresses.key("fe80::1%eth0", 64)).isEqualTo("fe80:0:0:0:0:0:0:0/64");
		assertThat(ClientAddresses.key("2001:db8:1:2::1", 48)).isEqualTo("2001:db8:1:0:0:0:0:0/48");
		assertThat(ClientAddresses.key("2001:db8:1:2::1", 60)).isEqualTo("2001:db8:1:0:0:0:0:0/60");
		assertThat(ClientAddresses.key("2001:db8:1:2::1", 128)).isEqualTo("2001:db8:1:2::1");
	}

	@Test
	void anIpv4MappedAddressIsTheIpv4AddressItCarries() {
		assertThat(ClientAddresses.key("::ffff:203.0.113.7", 64)).isEqualTo("203.0.113.7");
	}

	@Test
	void somethingThatIsNoAddressIsKeptAsItIsAndNeverLookedUp() {
		assertThat(ClientAddresses.key("not:an:address:at:all:zz", 64)).isEqualTo("not:an:address:at:all:zz");
		assertThat(ClientAddresses.key("unknown", 64)).isEqualTo("unknown");
	}

}
