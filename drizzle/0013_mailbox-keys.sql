CREATE TABLE `mailbox_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`mailbox_id` text NOT NULL,
	`fingerprint` text NOT NULL,
	`armored_key` text NOT NULL,
	`source` text NOT NULL,
	`source_url` text,
	`state` text NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`problem` text,
	`confirm_token_hash` text,
	`confirm_expires_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`confirmed_at` integer,
	`last_checked_at` integer,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mailbox_keys_mailbox_idx` ON `mailbox_keys` (`mailbox_id`,`state`);--> statement-breakpoint
CREATE UNIQUE INDEX `mailbox_keys_token_idx` ON `mailbox_keys` (`confirm_token_hash`);--> statement-breakpoint
ALTER TABLE `advisories` ADD `require_encryption` integer DEFAULT false NOT NULL;