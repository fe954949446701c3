using Microsoft.EntityFrameworkCore.Migrations;
using RewardPortal.Core.Dashboard;

#nullable disable

namespace RewardPortal.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DailyFiguresShards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The triggers go in before the table changes, which on SQLite are a rebuild that runs last: a trigger's
            // statements are looked up when it fires.
            migrationBuilder.Sql(FirstDailyFiguresSql.Uninstall(postgres: true));
            migrationBuilder.Sql(DailyFiguresSql.Install(postgres: true));

            migrationBuilder.DropPrimaryKey(
                name: "PK_DailyFigures",
                table: "DailyFigures");

            migrationBuilder.AddColumn<int>(
                name: "Shard",
                table: "DailyFigures",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_DailyFigures",
                table: "DailyFigures",
                columns: new[] { "Day", "Shard" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DailyFiguresSql.Uninstall(postgres: true));
            migrationBuilder.Sql(DailyFiguresSql.MergeShards);
            migrationBuilder.Sql(FirstDailyFiguresSql.Install(postgres: true));

            migrationBuilder.DropPrimaryKey(
                name: "PK_DailyFigures",
                table: "DailyFigures");

            migrationBuilder.DropColumn(
                name: "Shard",
                table: "DailyFigures");

            migrationBuilder.AddPrimaryKey(
                name: "PK_DailyFigures",
                table: "DailyFigures",
                column: "Day");
        }
    }
}
