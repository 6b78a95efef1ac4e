ALTER TABLE `bounces` ADD `class` text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
UPDATE `bounces` SET `class` = CASE
  WHEN `action` IN ('delivered', 'relayed', 'expanded') THEN 'none'
  WHEN `action` = 'delayed' OR `status` LIKE '4.%' THEN 'soft'
  WHEN `status` IN ('5.1.1', '5.1.2', '5.1.3', '5.1.4', '5.1.6', '5.1.10', '5.2.1', '5.4.4') THEN 'mailbox'
  WHEN `status` IN ('5.2.2', '5.2.4') THEN 'soft'
  WHEN `status` IN ('5.1.7', '5.1.8', '5.2.3', '5.3.4') OR `status` LIKE '5.6.%' OR `status` LIKE '5.7.%' THEN 'ours'
  ELSE 'unknown' END;
