<?php
/**
 * Imports a WXR file (argv[2]) with the WordPress Importer, as the administrator who
 * ticks "Download and import file attachments" and lets the importer create the authors
 * (an author already there is mapped to that user, as a site owner does on a second run).
 */
require __DIR__ . '/boot.php';
define( 'WP_ADMIN', true );
define( 'WP_LOAD_IMPORTERS', true );
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
require_once WP_PLUGIN_DIR . '/wordpress-importer/wordpress-importer.php';

wp_set_current_user( 1 );
$file   = $argv[2];
$parser = new WXR_Parser();
$data   = $parser->parse( $file );
$_POST['imported_authors'] = array();
$_POST['user_map']         = array();
$_POST['user_new']         = array();
foreach ( array_keys( $data['authors'] ) as $i => $login ) {
	$_POST['imported_authors'][ $i ] = $login;
	$user                            = get_user_by( 'login', $login );
	$_POST['user_map'][ $i ]         = $user ? $user->ID : 0;
}

$importer                    = new WP_Import();
$importer->fetch_attachments = true;
ob_start();
$importer->import( $file );
$log = ob_get_clean();
belong_test_done( array( 'log' => wp_strip_all_tags( str_replace( '<br />', "\n", $log ) ) ) );
