<?php
/** Installs WordPress into the test's database, then removes the sample content. */
require __DIR__ . '/boot.php';
define( 'WP_INSTALLING', true );
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

// Pluggable: no mail to the administrator.
function wp_new_blog_notification() {}

$result = wp_install( 'Test site', 'admin', 'admin@wp.test', true, '', wp_generate_password() );
foreach ( get_posts( array( 'post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1 ) ) as $post ) {
	wp_delete_post( $post->ID, true );
}
belong_test_done( array( 'user_id' => $result['user_id'] ) );
