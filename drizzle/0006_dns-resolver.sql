CREATE TABLE `dns_resolver` (
	`id` text PRIMARY KEY NOT NULL,
	`failing` integer NOT NULL,
	`reason` text,
	`failing_since` integer,
	`checked_at` integer NOT NULL
);
