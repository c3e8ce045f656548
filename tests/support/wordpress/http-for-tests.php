<?php
/**
 * Test only, never part of an export: lets the importer download the attachments from
 * the fixture server on 127.0.0.1 and its port, which WordPress refuses by default.
 */
add_filter( 'http_request_host_is_external', '__return_true' );
add_filter(
	'http_allowed_safe_ports',
	function ( $ports ) {
		$ports[] = (int) getenv( 'BELONG_FIXTURE_PORT' );
		return $ports;
	}
);
