ALTER TABLE `deliveries` ADD `delivered_message_id` text;--> statement-breakpoint
ALTER TABLE `outbound_mail` ADD `delivered_message_id` text;