CREATE TABLE `staff_link_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`address` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`address`) REFERENCES `staff_members`(`address`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_link_tokens_address_idx` ON `staff_link_tokens` (`address`);