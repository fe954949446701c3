using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Sqlite
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
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeCounters", x => x.Name);
                });

            migrationBuilder.InsertData(
                table: "ChangeCounters",
                columns: new[] { "Name", "Value" },
                values: new object[] { "notification-matcher", 0L });

            foreach (var trigger in RewardPortal.Core.Notifications.NotificationMatcherTriggers.CreateSqlite())
                migrationBuilder.Sql(trigger);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in RewardPortal.Core.Notifications.NotificationMatcherTriggers.DropSqlite())
                migrationBuilder.Sql(trigger);

            migrationBuilder.DropTable(
                name: "ChangeCounters");
        }
    }
}
