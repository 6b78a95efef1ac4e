ALTER TABLE `deliveries` ADD `escalated_at` integer;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `sms_escalated_at` integer;--> statement-breakpoint
-- Data step (hand-written): advisories escalated before each delivery kept its own mark are not escalated again.
UPDATE `deliveries` SET `escalated_at` = (SELECT `escalated_at` FROM `advisories` WHERE `advisories`.`id` = `deliveries`.`advisory_id`) WHERE `escalated_at` IS NULL AND `advisory_id` IN (SELECT `id` FROM `advisories` WHERE `escalated_at` IS NOT NULL);--> statement-breakpoint
UPDATE `deliveries` SET `sms_escalated_at` = (SELECT `sms_escalated_at` FROM `advisories` WHERE `advisories`.`id` = `deliveries`.`advisory_id`) WHERE `sms_escalated_at` IS NULL AND `advisory_id` IN (SELECT `id` FROM `advisories` WHERE `sms_escalated_at` IS NOT NULL);
