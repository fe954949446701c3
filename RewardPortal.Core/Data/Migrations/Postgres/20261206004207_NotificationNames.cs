using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NotificationNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "Notifications",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "NotifyParticipant",
                table: "Notifications",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Rows from before names: their description, else the webhook's URL, else what every email rule then was.
            migrationBuilder.Sql("""
                UPDATE "Notifications" SET "Name" = substr(COALESCE(NULLIF(trim("Description"), ''),
                    CASE WHEN "Channel" = 1 THEN COALESCE("WebhookUrl", 'Webhook') ELSE 'Reward Redemption email' END), 1, 200)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Name",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "NotifyParticipant",
                table: "Notifications");
        }
    }
}
