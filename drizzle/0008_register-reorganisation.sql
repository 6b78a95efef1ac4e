CREATE TABLE `mailbox_offers` (
	`id` text PRIMARY KEY NOT NULL,
	`mailbox_id` text NOT NULL,
	`predecessor_code` text NOT NULL,
	`successor_code` text NOT NULL,
	`state` text NOT NULL,
	`asked_at` integer,
	`accepted_as` text,
	`answered_by` text,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailbox_offers_pair_idx` ON `mailbox_offers` (`mailbox_id`,`successor_code`);--> statement-breakpoint
CREATE INDEX `mailbox_offers_successor_idx` ON `mailbox_offers` (`successor_code`,`state`);--> statement-breakpoint
CREATE TABLE `register_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`source` text NOT NULL,
	`content` text NOT NULL,
	`reasons` text NOT NULL,
	`summary` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `authorities` ADD `shadow` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `on_behalf_of` text;