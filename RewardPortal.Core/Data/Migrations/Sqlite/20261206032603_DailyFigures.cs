using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DailyFigures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DailyFigures",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Redemptions = table.Column<int>(type: "INTEGER", nullable: false),
                    PointsRedeemed = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveriesSucceeded = table.Column<int>(type: "INTEGER", nullable: false),
                    DeliveriesFailed = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DailyFigures", x => x.Day);
                });

            migrationBuilder.CreateTable(
                name: "DailyLatency",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Bucket = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DailyLatency", x => new { x.Day, x.Bucket });
                });

            // The triggers come first: on PostgreSQL they lock the tables against other nodes' writes until the recount commits.
            migrationBuilder.Sql(FirstDailyFiguresSql.Install(postgres: false));
            migrationBuilder.Sql(FirstDailyFiguresSql.Rebuild(postgres: false));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(FirstDailyFiguresSql.Uninstall(postgres: false));
            migrationBuilder.DropTable(
                name: "DailyFigures");

            migrationBuilder.DropTable(
                name: "DailyLatency");
        }
    }
}
