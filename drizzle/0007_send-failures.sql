CREATE TABLE `send_failures` (
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`count` integer NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`last_reply` text NOT NULL,
	PRIMARY KEY(`kind`, `status`)
);
--> statement-breakpoint
ALTER TABLE `deliveries` ADD `delivered_message_id` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `last_failure` text;--> statement-breakpoint
ALTER TABLE `outbound_mail` ADD `delivered_message_id` text;--> statement-breakpoint
ALTER TABLE `outbound_mail` ADD `last_failure` text;