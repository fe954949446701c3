using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Postgres
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
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Redemptions = table.Column<int>(type: "integer", nullable: false),
                    PointsRedeemed = table.Column<long>(type: "bigint", nullable: false),
                    DeliveriesSucceeded = table.Column<int>(type: "integer", nullable: false),
                    DeliveriesFailed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DailyFigures", x => x.Day);
                });

            migrationBuilder.CreateTable(
                name: "DailyLatency",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Bucket = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DailyLatency", x => new { x.Day, x.Bucket });
                });

            // The triggers come first: on PostgreSQL they lock the tables against other nodes' writes until the recount commits.
            migrationBuilder.Sql(FirstDailyFiguresSql.Install(postgres: true));
            migrationBuilder.Sql(FirstDailyFiguresSql.Rebuild(postgres: true));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(FirstDailyFiguresSql.Uninstall(postgres: true));
            migrationBuilder.DropTable(
                name: "DailyFigures");

            migrationBuilder.DropTable(
                name: "DailyLatency");
        }
    }
}
