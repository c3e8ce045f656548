<?php
/**
 * Loads the test's WordPress from the command line (argv[1]: its folder), as a request
 * for its home page would: WordPress reads the host and URI of the request it serves.
 */
$_SERVER['HTTP_HOST']       = 'wp.test';
$_SERVER['SERVER_NAME']     = 'wp.test';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';

function belong_test_done( $result ) {
	echo "\n" . json_encode( $result, JSON_UNESCAPED_SLASHES ) . "\n";
}
