using Microsoft.EntityFrameworkCore.Migrations;
using RewardPortal.Core.Dashboard;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DailyFiguresShards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // By hand rather than EF's rebuild of the table, which would run after the triggers are back and fail on
            // them: the table is renamed aside, made again with its new key, and filled from the old one.
            migrationBuilder.Sql(FirstDailyFiguresSql.Uninstall(postgres: false));
            migrationBuilder.RenameTable(name: "DailyFigures", newName: "DailyFiguresOneRowADay");
            CreateDailyFigures(migrationBuilder, sharded: true);
            migrationBuilder.Sql("""
                INSERT INTO "DailyFigures" ("Day", "Shard", "Redemptions", "PointsRedeemed", "DeliveriesSucceeded", "DeliveriesFailed")
                SELECT "Day", 0, "Redemptions", "PointsRedeemed", "DeliveriesSucceeded", "DeliveriesFailed" FROM "DailyFiguresOneRowADay";
                """);
            migrationBuilder.DropTable(name: "DailyFiguresOneRowADay");
            migrationBuilder.Sql(DailyFiguresSql.Install(postgres: false));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DailyFiguresSql.Uninstall(postgres: false));
            migrationBuilder.Sql(DailyFiguresSql.MergeShards);
            migrationBuilder.RenameTable(name: "DailyFigures", newName: "DailyFiguresShards");
            CreateDailyFigures(migrationBuilder, sharded: false);
            migrationBuilder.Sql("""
                INSERT INTO "DailyFigures" ("Day", "Redemptions", "PointsRedeemed", "DeliveriesSucceeded", "DeliveriesFailed")
                SELECT "Day", "Redemptions", "PointsRedeemed", "DeliveriesSucceeded", "DeliveriesFailed" FROM "DailyFiguresShards";
                """);
            migrationBuilder.DropTable(name: "DailyFiguresShards");
            migrationBuilder.Sql(FirstDailyFiguresSql.Install(postgres: false));
        }

        private static void CreateDailyFigures(MigrationBuilder migrationBuilder, bool sharded)
        {
            if (sharded)
                migrationBuilder.CreateTable(
                    name: "DailyFigures",
                    columns: table => new
                    {
                        Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                        Shard = table.Column<int>(type: "INTEGER", nullable: false),
                        Redemptions = table.Column<int>(type: "INTEGER", nullable: false),
                        PointsRedeemed = table.Column<long>(type: "INTEGER", nullable: false),
                        DeliveriesSucceeded = table.Column<int>(type: "INTEGER", nullable: false),
                        DeliveriesFailed = table.Column<int>(type: "INTEGER", nullable: false)
                    },
                    constraints: table => table.PrimaryKey("PK_DailyFigures", x => new { x.Day, x.Shard }));
            else
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
                    constraints: table => table.PrimaryKey("PK_DailyFigures", x => x.Day));
        }
    }
}
