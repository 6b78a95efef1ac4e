CREATE TABLE `bounces` (
	`id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL,
	`delivery_id` text,
	`mailbox_id` text,
	`recipient` text,
	`action` text NOT NULL,
	`status` text,
	`diagnostic` text,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bounces_mailbox_idx` ON `bounces` (`mailbox_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `bounces_delivery_idx` ON `bounces` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `coverage_snapshots` (
	`day` text NOT NULL,
	`dimension` text NOT NULL,
	`key` text NOT NULL,
	`counts` text NOT NULL,
	`taken_at` integer NOT NULL,
	PRIMARY KEY(`day`, `dimension`, `key`)
);
--> statement-breakpoint
CREATE TABLE `domain_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`domain` text NOT NULL,
	`kind` text NOT NULL,
	`severity` text NOT NULL,
	`summary` text NOT NULL,
	`detail` text,
	`checked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `domain_checks_domain_idx` ON `domain_checks` (`domain`,`kind`,`checked_at`);--> statement-breakpoint
CREATE TABLE `staff_members` (
	`address` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`warp_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`disabled_at` integer,
	FOREIGN KEY (`warp_id`) REFERENCES `warps`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `reconfirm_due_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `reminders_sent` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `last_reminder_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `stale_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `unreachable_at` integer;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `unreachable_reason` text;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `soft_bounces` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `last_bounce_at` integer;