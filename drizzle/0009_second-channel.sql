CREATE TABLE `drill_paths` (
	`id` text PRIMARY KEY NOT NULL,
	`drill_id` text NOT NULL,
	`authority_code` text NOT NULL,
	`channel` text NOT NULL,
	`mailbox_id` text,
	`mobile_id` text,
	`target` text NOT NULL,
	`message_id` text,
	`acknowledged_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`drill_id`) REFERENCES `drills`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `drill_paths_drill_idx` ON `drill_paths` (`drill_id`,`authority_code`);--> statement-breakpoint
CREATE INDEX `drill_paths_authority_idx` ON `drill_paths` (`authority_code`);--> statement-breakpoint
CREATE TABLE `drills` (
	`id` text PRIMARY KEY NOT NULL,
	`reference` text NOT NULL,
	`audience` text NOT NULL,
	`warp_id` text,
	`state` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`window_hours` integer DEFAULT 24 NOT NULL,
	`recurrence` text DEFAULT 'none' NOT NULL,
	`previous_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`closes_at` integer,
	`finished_at` integer,
	`cancelled_by` text,
	`cancelled_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drills_reference_idx` ON `drills` (`reference`);--> statement-breakpoint
CREATE INDEX `drills_state_idx` ON `drills` (`state`,`scheduled_for`);--> statement-breakpoint
CREATE TABLE `mobile_numbers` (
	`id` text PRIMARY KEY NOT NULL,
	`authority_code` text NOT NULL,
	`number` text NOT NULL,
	`label` text NOT NULL,
	`state` text NOT NULL,
	`code_hash` text,
	`code_expires_at` integer,
	`code_attempts` integer DEFAULT 0 NOT NULL,
	`codes_sent` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`confirmed_at` integer,
	`retired_at` integer,
	`retired_reason` text,
	`unreachable_at` integer,
	`unreachable_reason` text,
	FOREIGN KEY (`authority_code`) REFERENCES `authorities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mobile_numbers_authority_idx` ON `mobile_numbers` (`authority_code`,`state`);--> statement-breakpoint
CREATE UNIQUE INDEX `mobile_numbers_live_idx` ON `mobile_numbers` (`authority_code`,`number`) WHERE state in ('pending', 'confirmed');--> statement-breakpoint
CREATE TABLE `sms_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`mobile_id` text NOT NULL,
	`authority_code` text NOT NULL,
	`to_number` text NOT NULL,
	`advisory_id` text,
	`drill_id` text,
	`text` text,
	`status` text NOT NULL,
	`provider_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`deadline_at` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`last_reply` text,
	`last_failure` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`delivered_at` integer,
	`failed_at` integer,
	FOREIGN KEY (`mobile_id`) REFERENCES `mobile_numbers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sms_messages_due_idx` ON `sms_messages` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `sms_messages_provider_idx` ON `sms_messages` (`provider_id`);--> statement-breakpoint
CREATE INDEX `sms_messages_advisory_idx` ON `sms_messages` (`advisory_id`,`authority_code`);--> statement-breakpoint
CREATE INDEX `sms_messages_drill_idx` ON `sms_messages` (`drill_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `sms_messages_once_idx` ON `sms_messages` (`purpose`,`advisory_id`,`mobile_id`) WHERE advisory_id is not null;--> statement-breakpoint
ALTER TABLE `advisories` ADD `urgent` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `advisories` ADD `sms_escalated_at` integer;