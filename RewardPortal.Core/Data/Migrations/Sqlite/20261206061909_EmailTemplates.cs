using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EmailTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EmailBodyTemplate",
                table: "Notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EmailSubjectTemplate",
                table: "Notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParticipantEmailBodyTemplate",
                table: "Notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParticipantEmailSubjectTemplate",
                table: "Notifications",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EmailBodyTemplate",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "EmailSubjectTemplate",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "ParticipantEmailBodyTemplate",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "ParticipantEmailSubjectTemplate",
                table: "Notifications");
        }
    }
}
