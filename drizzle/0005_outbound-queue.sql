CREATE TABLE `mail_sender` (
	`id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`paused_at` integer,
	`reason` text,
	`command` text,
	`next_probe_at` integer,
	`probes` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbound_mail` (
	`id` text PRIMARY KEY NOT NULL,
	`lane` text NOT NULL,
	`purpose` text NOT NULL,
	`to_address` text NOT NULL,
	`message_id` text NOT NULL,
	`message` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`resends` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`deadline_at` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`last_reply` text,
	`last_code` integer,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	`failed_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbound_mail_due_idx` ON `outbound_mail` (`status`,`lane`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbound_mail_lease_idx` ON `outbound_mail` (`status`,`lease_expires_at`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `resends` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
INSERT INTO `mail_sender` (`id`, `state`, `updated_at`) VALUES ('default', 'sending', 0);
