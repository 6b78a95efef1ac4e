DROP INDEX `mailboxes_live_address_idx`;--> statement-breakpoint
ALTER TABLE `mailboxes` ADD `handover_due_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `mailboxes_live_address_idx` ON `mailboxes` (`authority_code`,`address`) WHERE state in ('awaiting-approval', 'pending', 'awaiting-handover', 'confirmed');