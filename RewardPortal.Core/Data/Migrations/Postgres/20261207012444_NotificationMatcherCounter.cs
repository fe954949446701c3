using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NotificationMatcherCounter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ChangeCounters",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Value = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeCounters", x => x.Name);
                });

            migrationBuilder.InsertData(
                table: "ChangeCounters",
                columns: new[] { "Name", "Value" },
                values: new object[] { "notification-matcher", 0L });

            migrationBuilder.Sql(RewardPortal.Core.Notifications.NotificationMatcherTriggers.CreatePostgres());
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(RewardPortal.Core.Notifications.NotificationMatcherTriggers.DropPostgres());

            migrationBuilder.DropTable(
                name: "ChangeCounters");
        }
    }
}
