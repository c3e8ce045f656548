<?php
/**
 * What the import left: posts per type, users and roles, attachments and their files,
 * bodies, settings; and what WordPress's own request parser gives for each path of
 * argv[2] (a JSON file: [path, ...]), as a visitor and as the administrator.
 */
require __DIR__ . '/boot.php';
require $argv[1] . '/wp-load.php';

global $wpdb;
$counts = array();
foreach ( $wpdb->get_results( "SELECT post_type, COUNT(*) AS n FROM {$wpdb->posts} WHERE post_status NOT IN ('trash', 'auto-draft') GROUP BY post_type" ) as $row ) {
	$counts[ $row->post_type ] = (int) $row->n;
}

$attachments = array();
foreach ( get_posts( array( 'post_type' => 'attachment', 'post_status' => 'any', 'numberposts' => -1 ) ) as $post ) {
	$file          = get_attached_file( $post->ID );
	$attachments[] = array(
		'asset_id' => get_post_meta( $post->ID, 'asset_id', true ),
		'attached' => get_post_meta( $post->ID, '_wp_attached_file', true ),
		'on_disk'  => is_string( $file ) && is_file( $file ),
		'parent'   => (int) $post->post_parent,
	);
}

$records = array();
$types   = array( 'post', 'page', 'partner', 'cluster' );
foreach ( get_posts( array( 'post_type' => $types, 'post_status' => 'any', 'numberposts' => -1 ) ) as $post ) {
	$author    = get_userdata( $post->post_author );
	$records[] = array(
		'record_id' => get_post_meta( $post->ID, 'record_id', true ),
		'post_type' => $post->post_type,
		'status'    => $post->post_status,
		'content'   => $post->post_content,
		'author'    => $author ? $author->user_login : '',
		'roles'     => $author ? array_values( $author->roles ) : array(),
		'thumbnail' => (int) get_post_thumbnail_id( $post->ID ),
		'link'      => wp_make_link_relative( get_permalink( $post ) ),
	);
}

function belong_test_resolve( $path ) {
	$_SERVER['REQUEST_URI'] = $path;
	unset( $_SERVER['PATH_INFO'] );
	$wp = new WP();
	$wp->parse_request();
	$query = new WP_Query();
	$found = array();
	foreach ( $query->query( $wp->query_vars ) as $post ) {
		$found[] = get_post_meta( $post->ID, 'record_id', true );
	}
	return $found;
}

$resolved = array();
foreach ( json_decode( file_get_contents( $argv[2] ), true ) as $path ) {
	wp_set_current_user( 0 );
	$visitor = belong_test_resolve( $path );
	wp_set_current_user( 1 );
	$resolved[ $path ] = array(
		'visitor' => $visitor,
		'admin'   => belong_test_resolve( $path ),
	);
}

$front = (int) get_option( 'page_on_front' );
belong_test_done(
	array(
		'counts'              => $counts,
		'attachments'         => $attachments,
		'records'             => $records,
		'resolved'            => $resolved,
		'show_on_front'       => get_option( 'show_on_front' ),
		'front_page'          => $front ? get_post_meta( $front, 'record_id', true ) : null,
		'permalink_structure' => get_option( 'permalink_structure' ),
		'uploads'             => wp_upload_dir()['basedir'],
		'users'               => count_users()['total_users'],
		'post_types'          => array_values( get_post_types( array( '_builtin' => false ) ) ),
	)
);
