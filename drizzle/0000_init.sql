CREATE TABLE `advisories` (
	`id` text PRIMARY KEY NOT NULL,
	`reference` text NOT NULL,
	`kind` text NOT NULL,
	`parent_id` text,
	`thread_id` text NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`body` text NOT NULL,
	`severity` text NOT NULL,
	`tlp` text NOT NULL,
	`cves` text NOT NULL,
	`references` text NOT NULL,
	`audience` text NOT NULL,
	`test` integer NOT NULL,
	`test_audience` text,
	`state` text NOT NULL,
	`warp_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`released_by` text,
	`released_at` integer,
	`approved_by` text,
	`approved_at` integer,
	`sent_at` integer,
	`cancelled_by` text,
	`cancelled_at` integer,
	`needs_second_approval` integer DEFAULT false NOT NULL,
	`escalated_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `advisories_reference_idx` ON `advisories` (`reference`);--> statement-breakpoint
CREATE INDEX `advisories_state_idx` ON `advisories` (`state`);--> statement-breakpoint
CREATE INDEX `advisories_thread_idx` ON `advisories` (`thread_id`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`warp_id` text,
	`authority_code` text,
	`token_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_idx` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`actor_role` text NOT NULL,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`before` text,
	`after` text,
	`request_id` text,
	`ip` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_subject_idx` ON `audit_log` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `authorities` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`short_name` text NOT NULL,
	`gss` text,
	`nation` text NOT NULL,
	`region` text NOT NULL,
	`type` text NOT NULL,
	`type_name` text NOT NULL,
	`county` text,
	`start_date` text,
	`end_date` text,
	`replaced_by` text DEFAULT '[]' NOT NULL,
	`current` integer NOT NULL,
	`alt_names` text,
	`warp_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`warp_id`) REFERENCES `warps`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `authorities_nation_idx` ON `authorities` (`nation`,`current`);--> statement-breakpoint
CREATE INDEX `authorities_region_idx` ON `authorities` (`region`);--> statement-breakpoint
CREATE INDEX `authorities_type_idx` ON `authorities` (`type`);--> statement-breakpoint
CREATE INDEX `authorities_warp_idx` ON `authorities` (`warp_id`);--> statement-breakpoint
CREATE TABLE `authority_domains` (
	`authority_code` text NOT NULL,
	`domain` text NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`authority_code`, `domain`),
	FOREIGN KEY (`authority_code`) REFERENCES `authorities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `authority_domains_domain_idx` ON `authority_domains` (`domain`);--> statement-breakpoint
CREATE TABLE `authority_successors` (
	`code` text NOT NULL,
	`successor` text NOT NULL,
	PRIMARY KEY(`code`, `successor`),
	FOREIGN KEY (`code`) REFERENCES `authorities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `authority_successors_successor_idx` ON `authority_successors` (`successor`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`advisory_id` text NOT NULL,
	`mailbox_id` text NOT NULL,
	`authority_code` text,
	`address` text NOT NULL,
	`mailbox_kind` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`deadline_at` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`last_reply` text,
	`last_code` integer,
	`created_at` integer NOT NULL,
	`first_attempt_at` integer,
	`delivered_at` integer,
	`failed_at` integer,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	FOREIGN KEY (`advisory_id`) REFERENCES `advisories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_advisory_mailbox_idx` ON `deliveries` (`advisory_id`,`mailbox_id`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_lease_idx` ON `deliveries` (`status`,`lease_expires_at`);--> statement-breakpoint
CREATE INDEX `deliveries_advisory_idx` ON `deliveries` (`advisory_id`,`status`);--> statement-breakpoint
CREATE INDEX `deliveries_authority_idx` ON `deliveries` (`authority_code`);--> statement-breakpoint
CREATE TABLE `link_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`mailbox_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`mailbox_id`) REFERENCES `mailboxes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `link_tokens_mailbox_idx` ON `link_tokens` (`mailbox_id`,`purpose`);--> statement-breakpoint
CREATE TABLE `mailboxes` (
	`id` text PRIMARY KEY NOT NULL,
	`authority_code` text NOT NULL,
	`address` text NOT NULL,
	`kind` text NOT NULL,
	`team` text NOT NULL,
	`phone` text NOT NULL,
	`state` text NOT NULL,
	`needs_approval` integer NOT NULL,
	`looks_personal` integer NOT NULL,
	`replaces_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`approved_at` integer,
	`approved_by` text,
	`confirmed_at` integer,
	`retired_at` integer,
	`retired_reason` text,
	FOREIGN KEY (`authority_code`) REFERENCES `authorities`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mailboxes_authority_idx` ON `mailboxes` (`authority_code`,`state`);--> statement-breakpoint
CREATE INDEX `mailboxes_address_idx` ON `mailboxes` (`address`);--> statement-breakpoint
CREATE UNIQUE INDEX `mailboxes_live_address_idx` ON `mailboxes` (`authority_code`,`address`) WHERE state in ('awaiting-approval', 'pending', 'confirmed');--> statement-breakpoint
CREATE TABLE `rate_limit_hits` (
	`key` text NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`key`, `window_start`)
);
--> statement-breakpoint
CREATE TABLE `service_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`authority_code` text,
	`warp_id` text,
	`mailbox_id` text,
	`label` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE TABLE `test_audiences` (
	`name` text PRIMARY KEY NOT NULL,
	`addresses` text NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `warp_operators` (
	`warp_id` text NOT NULL,
	`address` text NOT NULL,
	`name` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`warp_id`, `address`),
	FOREIGN KEY (`warp_id`) REFERENCES `warps`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `warps` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`region` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
